package dev.backplane.testkit.internal.docker;

import dev.backplane.core.HostPort;
import dev.backplane.testkit.StackException;
import dev.backplane.testkit.internal.PgTlsConf;
import dev.backplane.testkit.internal.RedisTlsConf;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The pure parts of the Docker backend: container commands, config file text, SQL, address
 * mapping and reply parsing. No Docker needed, so all of it is unit-tested.
 */
final class DockerSpecs {
  static final int PG_PORT = 5432;
  static final int S3_PORT = 9000;
  /** The postgres user's home in the official image; libpq also finds it there by default. */
  static final String PGPASS_PATH = "/var/lib/postgresql/.pgpass";
  /** Runs first among the image's init scripts, as the postgres user. */
  static final String PGPASS_SCRIPT_PATH = "/docker-entrypoint-initdb.d/000-backplane-pgpass.sh";
  /** The Citus image's own init script ({@code CREATE EXTENSION citus}); replaced when Citus is off. */
  static final String CITUS_INIT_PATH = "/docker-entrypoint-initdb.d/001-create-citus-extension.sql";
  static final long FAILOVER_TIMEOUT_MS = 10_000;
  /** Where a TLS stack's files are copied into a PostgreSQL container (owned by root). */
  static final String PG_TLS_IN = "/etc/backplane-tls-in";
  /** Where the entry point puts them for the server, owned by the postgres user. */
  static final String PG_TLS_DIR = "/etc/backplane-tls";
  /** A TLS stack's files in a Redis container: /data, which the image's entry point hands to the redis user. */
  static final String REDIS_TLS_CERT = "/data/tls-server.crt";
  static final String REDIS_TLS_KEY = "/data/tls-server.key";
  static final String REDIS_TLS_CA = "/data/tls-ca.crt";
  /** MinIO serves HTTPS when its certificates directory (root's default) holds these two. */
  static final String MINIO_TLS_CERT = "/root/.minio/certs/public.crt";
  static final String MINIO_TLS_KEY = "/root/.minio/certs/private.key";

  /** Ports handed out in this JVM, so parallel stacks never get the same one twice. */
  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  private DockerSpecs() {}

  // ---- PostgreSQL / Citus ------------------------------------------------------------------

  /** The server command; settings trade durability for speed since test data is thrown away. */
  static List<String> postgresCommand(boolean citus) {
    return postgresCommand(citus, false);
  }

  /** {@link #postgresCommand(boolean)}, TLS only when {@code tls} (files from {@link #postgresTlsEntrypoint()}). */
  static List<String> postgresCommand(boolean citus, boolean tls) {
    List<String> cmd = new ArrayList<>(List.of("postgres",
        "-c", "wal_level=logical", // Citus moves shards with logical replication.
        "-c", "max_connections=300",
        "-c", "fsync=off",
        // Not synchronous_commit=off: logical shard moves can lose writes acknowledged before
        // their WAL was written (see LocalPostgres).
        "-c", "synchronous_commit=on",
        "-c", "full_page_writes=off"));
    if (!citus) {
      // The image preloads Citus in postgresql.conf; the command line wins.
      cmd.addAll(List.of("-c", "shared_preload_libraries="));
    }
    if (tls) {
      PgTlsConf.settings(PG_TLS_DIR + "/server.crt", PG_TLS_DIR + "/server.key", PG_TLS_DIR + "/ca.crt",
          PG_TLS_DIR + "/pg_hba.conf", citus).forEach((k, v) -> cmd.addAll(List.of("-c", k + "=" + v)));
    }
    return cmd;
  }

  /** A TLS node's {@code pg_hba.conf}: TLS from anywhere (the network and the published port). */
  static String postgresTlsHba() {
    return PgTlsConf.hba(List.of("0.0.0.0/0", "::/0"));
  }

  /**
   * The entry point of a TLS node. Files copied into a container belong to root, and PostgreSQL
   * refuses a key its own user cannot read or that others can: copy them to {@link #PG_TLS_DIR}
   * as the postgres user's, key mode 0600, then run the image's own entry point with the command.
   * It runs before the image's temporary init server, which already starts with the TLS settings.
   */
  static List<String> postgresTlsEntrypoint() {
    return List.of("sh", "-c", "set -e; mkdir -p " + PG_TLS_DIR + "; cp " + PG_TLS_IN + "/* " + PG_TLS_DIR + "/;"
        + " chown -R postgres:postgres " + PG_TLS_DIR + "; chmod 0600 " + PG_TLS_DIR + "/server.key;"
        + " exec docker-entrypoint.sh \"$@\"", "backplane-tls");
  }

  /** A {@code .pgpass} line matching every host, port and database for {@code user}. */
  static String pgpassLine(String user, String password) {
    return "*:*:*:" + pgpassEscape(user) + ":" + pgpassEscape(password);
  }

  private static String pgpassEscape(String s) {
    if (s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("a PostgreSQL user or password must not contain a line break");
    }
    return s.replace("\\", "\\\\").replace(":", "\\:");
  }

  /**
   * An init script that writes {@link #PGPASS_PATH}. It runs as the postgres user, so the file is
   * owned by the server's user with mode 0600, which libpq insists on (a file copied in by Docker
   * would belong to root). It runs once, at initdb; the file stays in the container's layer and so
   * survives {@code docker stop}/{@code start}.
   */
  static String pgpassScript(String user, String password) {
    return "#!/bin/sh\n"
        + "# Backplane testkit: Citus's connections between nodes read the password from here.\n"
        + "set -e\n"
        + "umask 077\n"
        + "cat > " + PGPASS_PATH + " <<'BACKPLANE_PGPASS'\n"
        + pgpassLine(user, password) + "\n"
        + "BACKPLANE_PGPASS\n";
  }

  /** The statements that make {@code coordinator} the coordinator and register each worker. */
  static List<String> citusRegistrationSql(String coordinator, List<String> workers) {
    List<String> sql = new ArrayList<>();
    sql.add("SELECT citus_set_coordinator_host(" + sqlLiteral(coordinator) + ", " + PG_PORT + ")");
    for (String w : workers) {
      sql.add("SELECT citus_add_node(" + sqlLiteral(w) + ", " + PG_PORT + ")");
    }
    return sql;
  }

  static String sqlLiteral(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  // ---- Redis --------------------------------------------------------------------------------

  /**
   * A data node's config. It listens on {@code port} inside the shared network namespace, and
   * Docker publishes the same port number on the host, so {@code announceHost:port} is right both
   * for the other Redis processes and for the test JVM.
   */
  static String redisConf(int port, String announceHost, Optional<String> password,
      Optional<HostPort> replicaOf) {
    return redisConf(port, announceHost, password, replicaOf, false);
  }

  /** {@link #redisConf(int, String, Optional, Optional)} on a TLS port only when {@code tls}. */
  static String redisConf(int port, String announceHost, Optional<String> password,
      Optional<HostPort> replicaOf, boolean tls) {
    StringBuilder c = new StringBuilder()
        .append(listen(port, tls))
        .append("bind * -::*\n")
        // Clients come through Docker's port forwarding, never from loopback.
        .append("protected-mode no\n")
        .append("dir /data\n")
        .append("save \"\"\n")
        .append("appendonly no\n")
        // A returning replica resyncs at once, without a 5 s wait or a disk round trip.
        .append("repl-diskless-sync yes\n")
        .append("repl-diskless-sync-delay 0\n")
        .append("replica-announce-ip ").append(announceHost).append('\n')
        .append("replica-announce-port ").append(port).append('\n');
    password.ifPresent(p -> c
        .append("requirepass ").append(quote(p)).append('\n')
        .append("masterauth ").append(quote(p)).append('\n'));
    replicaOf.ifPresent(m -> c.append("replicaof ").append(m.host()).append(' ').append(m.port()).append('\n'));
    return c.toString();
  }

  /** The command of a Redis container: {@code redis-server <conf>}, plus {@code --sentinel} for a Sentinel. */
  static List<String> redisServerCommand(String confPath, boolean sentinel) {
    List<String> cmd = new ArrayList<>(List.of("redis-server", confPath));
    if (sentinel) {
      cmd.add("--sentinel");
    }
    return List.copyOf(cmd);
  }

  /** A Sentinel's config (quorum 2). Each Sentinel gets its own copy: Sentinel rewrites it. */
  static String sentinelConf(int port, String announceHost, String masterName, HostPort master,
      Duration downAfter, Optional<String> redisPassword, Optional<String> sentinelPassword) {
    return sentinelConf(port, announceHost, masterName, master, downAfter, redisPassword, sentinelPassword, false);
  }

  /** {@link #sentinelConf(int, String, String, HostPort, Duration, Optional, Optional)}, TLS only when {@code tls}. */
  static String sentinelConf(int port, String announceHost, String masterName, HostPort master,
      Duration downAfter, Optional<String> redisPassword, Optional<String> sentinelPassword, boolean tls) {
    StringBuilder c = new StringBuilder()
        .append(listen(port, tls))
        .append("bind * -::*\n")
        .append("protected-mode no\n")
        .append("dir /data\n")
        .append("sentinel resolve-hostnames yes\n")
        .append("sentinel announce-ip ").append(announceHost).append('\n')
        .append("sentinel announce-port ").append(port).append('\n')
        .append("sentinel monitor ").append(masterName).append(' ').append(master.host()).append(' ')
        .append(master.port()).append(" 2\n")
        .append("sentinel down-after-milliseconds ").append(masterName).append(' ')
        .append(downAfter.toMillis()).append('\n')
        .append("sentinel failover-timeout ").append(masterName).append(' ').append(FAILOVER_TIMEOUT_MS).append('\n')
        .append("sentinel parallel-syncs ").append(masterName).append(" 1\n");
    redisPassword.ifPresent(p -> c.append("sentinel auth-pass ").append(masterName).append(' ')
        .append(quote(p)).append('\n'));
    sentinelPassword.ifPresent(p -> c
        .append("requirepass ").append(quote(p)).append('\n')
        // Sentinels talk to each other too, and then need each other's password.
        .append("sentinel sentinel-pass ").append(quote(p)).append('\n'));
    return c.toString();
  }

  private static String listen(int port, boolean tls) {
    return tls ? RedisTlsConf.lines(port, REDIS_TLS_CERT, REDIS_TLS_KEY, REDIS_TLS_CA) : "port " + port + "\n";
  }

  /**
   * The names a TLS stack's server certificate must carry besides loopback: the PostgreSQL nodes'
   * network aliases (Citus connects to them by alias, on verify-full), room for extra nodes, and
   * the Docker host's address as the test JVM reaches it.
   */
  static List<String> tlsHostNames(int workers, String clientHost) {
    List<String> names = new ArrayList<>();
    names.add("coordinator");
    for (int i = 0; i < workers; i++) {
      names.add("worker-" + i);
    }
    for (int i = 0; i < 4; i++) {
      names.add("extra-" + i);
    }
    if (!"127.0.0.1".equals(clientHost)) {
      names.add(clientHost);
    }
    return names;
  }

  /** A Redis config string value: double quotes with backslash escapes. */
  static String quote(String value) {
    StringBuilder sb = new StringBuilder("\"");
    for (char ch : value.toCharArray()) {
      switch (ch) {
        case '\\' -> sb.append("\\\\");
        case '"' -> sb.append("\\\"");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> sb.append(ch);
      }
    }
    return sb.append('"').toString();
  }

  /** The shell script of the container that only holds the Redis network namespace. */
  static String podScript(String readyLine) {
    // `wait` returns at once on SIGTERM, so `docker stop` does not hang for its timeout.
    return "trap 'exit 0' TERM INT; echo " + readyLine + "; sleep 2147483647 & wait";
  }

  /**
   * The host every client uses: the Docker host as the test JVM sees it, as an IP (Sentinel
   * announces IPs). A local engine gives {@code 127.0.0.1}, which inside the Redis containers'
   * shared network namespace is that namespace's own loopback, so the same address works there.
   */
  static String clientHost(String dockerHost) {
    try {
      InetAddress a = InetAddress.getByName(dockerHost);
      return a.isLoopbackAddress() ? "127.0.0.1" : a.getHostAddress();
    } catch (UnknownHostException e) {
      throw new StackException("cannot resolve the Docker host '" + dockerHost
          + "'; check DOCKER_HOST or TESTCONTAINERS_HOST_OVERRIDE", e);
    }
  }

  // ---- ports --------------------------------------------------------------------------------

  /**
   * {@code n} distinct free host ports, never handed out before in this JVM. Docker publishes
   * fixed ports so addresses survive {@code docker stop}/{@code start}; a port can still be
   * taken by another program before Docker binds it, which fails start-up with Docker's
   * "port is already allocated".
   */
  static synchronized List<Integer> freePorts(int n) {
    List<ServerSocket> held = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    try {
      while (ports.size() < n) {
        ServerSocket s = new ServerSocket(0); // all interfaces, as Docker binds
        held.add(s);
        if (HANDED_OUT.add(s.getLocalPort())) {
          ports.add(s.getLocalPort());
        }
      }
      return ports;
    } catch (IOException e) {
      throw new StackException("no free host port for Docker to publish: " + e.getMessage(), e);
    } finally {
      for (ServerSocket s : held) {
        try {
          s.close();
        } catch (IOException ignored) {
          // only probing
        }
      }
    }
  }
}
