package dev.backplane.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * The CPU time (user + system) that the PostgreSQL servers of a cluster have spent, read from
 * {@code /proc}: each postmaster, its live children (backends, background workers) and the
 * children it has already reaped. It does not drift with the machine's load the way wall-clock
 * throughput does, and it is what a Citus cluster's capacity is made of. Linux only; the servers
 * must run on this machine (the local backend).
 *
 * <pre>{@code
 * ServerCpu cpu = ServerCpu.of(List.of(coordinatorPool, worker1Pool, worker2Pool));
 * double before = cpu.seconds();
 * long ops = runTheLoad();
 * double microsPerOp = (cpu.seconds() - before) * 1e6 / ops;
 * }</pre>
 */
public final class ServerCpu {
  /** Clock ticks per second of /proc/[pid]/stat; 100 on every Linux this runs on. */
  private static final double TICKS_PER_SECOND = 100.0;

  private final List<Long> postmasters;

  private ServerCpu(List<Long> postmasters) {
    this.postmasters = postmasters;
  }

  /**
   * The servers behind each data source: one connection each asks for its backend's process id,
   * whose parent is the server's postmaster.
   *
   * @throws IOException when a backend is not a process of this machine
   */
  public static ServerCpu of(List<DataSource> nodes) throws SQLException, IOException {
    List<Long> pids = new ArrayList<>();
    for (DataSource ds : nodes) {
      try (Connection c = ds.getConnection(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
        rs.next();
        pids.add(parentOf(rs.getLong(1)));
      }
    }
    return new ServerCpu(pids);
  }

  /** Seconds of CPU (user + system) the servers have spent so far. */
  public double seconds() {
    long ticks = 0;
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        long[] f = stat(Long.parseLong(name));
        if (f == null) {
          continue;
        }
        long pid = Long.parseLong(name);
        if (postmasters.contains(pid)) {
          ticks += f[1] + f[2] + f[3] + f[4]; // own time + reaped children's
        } else if (postmasters.contains(f[0])) {
          ticks += f[1] + f[2];
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc", e);
    }
    return ticks / TICKS_PER_SECOND;
  }

  private static long parentOf(long pid) throws IOException {
    long[] f = stat(pid);
    if (f == null) {
      throw new IOException("no /proc entry for backend " + pid + ": is the server on this machine?");
    }
    return f[0];
  }

  /** ppid, utime, stime, cutime, cstime of a process; null when it has gone. */
  private static long[] stat(long pid) {
    String s;
    try {
      s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    } catch (IOException e) {
      return null;
    }
    // Fields after the command name, which is in parentheses and may hold spaces.
    String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
    // f[0] = state (field 3), so field n is f[n - 3].
    return new long[] {Long.parseLong(f[1]), Long.parseLong(f[11]), Long.parseLong(f[12]),
        Long.parseLong(f[13]), Long.parseLong(f[14])};
  }
}
