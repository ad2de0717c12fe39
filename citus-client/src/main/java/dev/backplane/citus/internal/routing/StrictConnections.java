package dev.backplane.citus.internal.routing;

import java.io.ByteArrayInputStream;
import java.io.CharArrayReader;
import java.io.CharArrayWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Connections whose statements pass a {@link StrictTenantCheck} before they run, made with
 * {@link java.lang.reflect.Proxy} so that every JDBC method, present and future, reaches the
 * driver unchanged except the few that run SQL:
 *
 * <ul>
 *   <li>{@code Statement}: {@code execute*(sql...)} and {@code addBatch(sql)} are checked with
 *       their SQL;</li>
 *   <li>{@code PreparedStatement}: the parameter setters ({@code setLong}, {@code setObject},
 *       {@code setNull}, ...) are recorded, and {@code execute()}, {@code executeQuery()},
 *       {@code executeUpdate()}, {@code executeLargeUpdate()} and {@code addBatch()} are checked
 *       with the statement's SQL and those parameters replayed on the EXPLAIN. A stream parameter
 *       (binary, character, ASCII) is read into memory once, then given to both;</li>
 *   <li>{@code prepareCall} is refused: a procedure call cannot be checked with EXPLAIN.</li>
 * </ul>
 *
 * {@code getConnection()} of a statement gives the checked connection; {@code unwrap} to a driver
 * type (e.g. {@code PGConnection}) gives the driver's object, whose statements are not checked.
 * Internal.
 */
public final class StrictConnections {
  private StrictConnections() {}

  /** {@code connection} with every statement checked by {@code check} before it runs. */
  public static Connection wrap(Connection connection, StrictTenantCheck check) {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(check, "check");
    ConnectionHandler h = new ConnectionHandler(connection, check);
    h.proxy = (Connection) Proxy.newProxyInstance(StrictConnections.class.getClassLoader(),
        new Class<?>[] {Connection.class}, h);
    return h.proxy;
  }

  /** Whether {@code c} is a connection made by {@link #wrap}. */
  public static boolean isStrict(Connection c) {
    return Proxy.isProxyClass(c.getClass()) && Proxy.getInvocationHandler(c) instanceof ConnectionHandler;
  }

  private static Object invoke(Object target, Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** The Object and Wrapper methods every proxy answers itself. */
  private static Object common(Object proxy, Object target, String what, Method m, Object[] args)
      throws Throwable {
    switch (m.getName()) {
      case "equals":
        return proxy == args[0];
      case "hashCode":
        return System.identityHashCode(proxy);
      case "toString":
        return what + "[" + target + "]";
      case "unwrap": {
        Class<?> iface = (Class<?>) args[0];
        return iface.isInstance(proxy) ? proxy : invoke(target, m, args);
      }
      case "isWrapperFor": {
        Class<?> iface = (Class<?>) args[0];
        return iface.isInstance(proxy) || (Boolean) invoke(target, m, args);
      }
      default:
        return NOT_COMMON;
    }
  }

  private static final Object NOT_COMMON = new Object();

  private static boolean isObjectOrWrapperMethod(Method m) {
    String n = m.getName();
    int params = m.getParameterCount();
    return (n.equals("equals") && params == 1) || (n.equals("hashCode") && params == 0)
        || (n.equals("toString") && params == 0)
        || ((n.equals("unwrap") || n.equals("isWrapperFor")) && params == 1);
  }

  private static final class ConnectionHandler implements InvocationHandler {
    private final Connection target;
    private final StrictTenantCheck check;
    private Connection proxy;

    ConnectionHandler(Connection target, StrictTenantCheck check) {
      this.target = target;
      this.check = check;
    }

    @Override
    public Object invoke(Object p, Method m, Object[] args) throws Throwable {
      if (isObjectOrWrapperMethod(m)) {
        return common(p, target, "StrictConnection(" + check + ")", m, args);
      }
      switch (m.getName()) {
        case "createStatement": {
          Statement s = (Statement) StrictConnections.invoke(target, m, args);
          return statementProxy(Statement.class, new StatementHandler(s, this, null));
        }
        case "prepareStatement": {
          String sql = (String) args[0];
          PreparedStatement s = (PreparedStatement) StrictConnections.invoke(target, m, args);
          return statementProxy(PreparedStatement.class, new StatementHandler(s, this, sql));
        }
        case "prepareCall":
          throw check.refuse((String) args[0], "strict mode cannot check procedure calls with"
              + " EXPLAIN; call it on a connection of CitusRouter.coordinator() or of a data source"
              + " without strict mode");
        default:
          return StrictConnections.invoke(target, m, args);
      }
    }

    private Object statementProxy(Class<?> type, StatementHandler h) {
      h.proxy = Proxy.newProxyInstance(StrictConnections.class.getClassLoader(),
          new Class<?>[] {type}, h);
      return h.proxy;
    }
  }

  /** A Statement, or a PreparedStatement when {@code sql} is set. */
  private static final class StatementHandler implements InvocationHandler {
    private final Statement target;
    private final ConnectionHandler connection;
    private final String sql;
    /** The parameter setters called since the last clearParameters, by parameter index. */
    private final Map<Integer, Setter> parameters = new TreeMap<>();
    private Object proxy;

    StatementHandler(Statement target, ConnectionHandler connection, String sql) {
      this.target = target;
      this.connection = connection;
      this.sql = sql;
    }

    @Override
    public Object invoke(Object p, Method m, Object[] args) throws Throwable {
      if (isObjectOrWrapperMethod(m)) {
        return common(p, target, sql == null ? "StrictStatement" : "StrictPreparedStatement", m, args);
      }
      String name = m.getName();
      int count = m.getParameterCount();
      if (name.equals("getConnection") && count == 0) {
        return connection.proxy;
      }
      if (sql != null && isParameterSetter(m)) {
        Setter setter = Setter.of(m, args);
        Object result = setter.applyTo(target);
        parameters.put((Integer) args[0], setter);
        return result;
      }
      if (sql != null && name.equals("clearParameters")) {
        parameters.clear();
        return StrictConnections.invoke(target, m, args);
      }
      boolean runs = name.startsWith("execute") && !name.equals("executeBatch")
          && !name.equals("executeLargeBatch") || name.equals("addBatch");
      if (runs) {
        if (count > 0 && m.getParameterTypes()[0] == String.class) {
          connection.check.check(connection.target, (String) args[0], null);
        } else if (sql != null && count == 0) {
          connection.check.check(connection.target, sql, this::bind);
        }
      }
      return StrictConnections.invoke(target, m, args);
    }

    private void bind(PreparedStatement explain) throws SQLException {
      for (Setter s : parameters.values()) {
        try {
          s.applyTo(explain);
        } catch (SQLException | RuntimeException e) {
          throw e;
        } catch (Throwable e) {
          throw new SQLException("replaying " + s.method.getName() + " on the EXPLAIN failed", e);
        }
      }
    }

    private static boolean isParameterSetter(Method m) {
      Class<?> declaring = m.getDeclaringClass();
      return (declaring == PreparedStatement.class || declaring == CallableStatement.class)
          && m.getName().startsWith("set") && m.getParameterCount() >= 2
          && m.getParameterTypes()[0] == int.class;
    }
  }

  /** One parameter setter call, replayable: streams are read into memory once. */
  private static final class Setter {
    private final Method method;
    private final Object[] args;

    private Setter(Method method, Object[] args) {
      this.method = method;
      this.args = args;
    }

    static Setter of(Method m, Object[] args) throws SQLException {
      Object[] copy = args.clone();
      Class<?>[] types = m.getParameterTypes();
      for (int i = 1; i < copy.length; i++) {
        boolean lengthFollows = i + 1 < types.length
            && (types[i + 1] == int.class || types[i + 1] == long.class);
        long limit = lengthFollows ? ((Number) copy[i + 1]).longValue() : -1;
        try {
          if (types[i] == InputStream.class && copy[i] != null) {
            copy[i] = new Bytes(read((InputStream) copy[i], limit));
          } else if (types[i] == Reader.class && copy[i] != null) {
            copy[i] = new Chars(read((Reader) copy[i], limit));
          }
        } catch (IOException e) {
          throw new SQLException("strict mode could not read the stream given to " + m.getName()
              + " for parameter " + args[0] + ": " + e.getMessage(), e);
        }
      }
      return new Setter(m, copy);
    }

    Object applyTo(Statement target) throws Throwable {
      Object[] fresh = args.clone();
      for (int i = 0; i < fresh.length; i++) {
        if (fresh[i] instanceof Bytes b) {
          fresh[i] = new ByteArrayInputStream(b.bytes);
        } else if (fresh[i] instanceof Chars c) {
          fresh[i] = new CharArrayReader(c.chars);
        }
      }
      return StrictConnections.invoke(target, method, fresh);
    }

    private static byte[] read(InputStream in, long limit) throws IOException {
      return limit >= 0 ? in.readNBytes((int) Math.min(limit, Integer.MAX_VALUE)) : in.readAllBytes();
    }

    private static char[] read(Reader r, long limit) throws IOException {
      CharArrayWriter w = new CharArrayWriter();
      char[] buf = new char[8192];
      long left = limit >= 0 ? limit : Long.MAX_VALUE;
      int n;
      while (left > 0 && (n = r.read(buf, 0, (int) Math.min(buf.length, left))) >= 0) {
        w.write(buf, 0, n);
        left -= n;
      }
      return w.toCharArray();
    }
  }

  private record Bytes(byte[] bytes) {}

  private record Chars(char[] chars) {}
}
