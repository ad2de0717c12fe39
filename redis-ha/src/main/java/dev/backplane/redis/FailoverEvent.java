package dev.backplane.redis;

import dev.backplane.core.HostPort;
import java.time.Instant;

/**
 * The master moved: the Sentinels promoted a replica (or the client found out that they had).
 * Addresses are the ones this client connects to, i.e. after the configured address map.
 *
 * @param masterName the name the Sentinels monitor the master under
 * @param oldMaster the master before
 * @param newMaster the master now
 * @param at when this client learned of it
 * @param source how it learned, e.g. {@code +switch-master from 10.0.0.7:26379} or {@code sentinel poll}
 */
public record FailoverEvent(String masterName, HostPort oldMaster, HostPort newMaster, Instant at,
    String source) {}
