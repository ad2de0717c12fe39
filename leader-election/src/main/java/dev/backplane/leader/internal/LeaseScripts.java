package dev.backplane.leader.internal;

/** The Lua scripts of the lease. Each acts only if the lease still holds our value. Internal. */
public final class LeaseScripts {
  private LeaseScripts() {}

  /**
   * KEYS: lease, term counter. ARGV: ttl ms, since epoch ms, floor term, identity.
   * Returns {1, value} when acquired, else {0, current value, pttl}. The term is INCR'd only on a
   * successful acquisition and never below {@code floor + 1}: the counter on a promoted replica may
   * be behind, and candidates pass the highest term they have seen.
   */
  public static final String ACQUIRE = String.join("\n",
      "local cur = redis.call('get', KEYS[1])",
      "if cur then return {0, cur, redis.call('pttl', KEYS[1])} end",
      "local t = redis.call('incr', KEYS[2])",
      "local floor = tonumber(ARGV[3])",
      "if t <= floor then t = floor + 1; redis.call('set', KEYS[2], tostring(t)) end",
      "local v = tostring(t) .. '|' .. ARGV[2] .. '|' .. ARGV[4]",
      "if redis.call('set', KEYS[1], v, 'NX', 'PX', ARGV[1]) then return {1, v} end",
      "return {0, '', 0}");

  /** KEYS: lease. ARGV: our value, ttl ms. 1 = renewed, 0 = not ours (any more). */
  public static final String RENEW = String.join("\n",
      "if redis.call('get', KEYS[1]) == ARGV[1] then",
      "  redis.call('pexpire', KEYS[1], ARGV[2])",
      "  return 1",
      "end",
      "return 0");

  /** KEYS: lease. ARGV: our value, release channel. 1 = released (and announced), 0 = not ours. */
  public static final String RELEASE = String.join("\n",
      "if redis.call('get', KEYS[1]) == ARGV[1] then",
      "  redis.call('del', KEYS[1])",
      "  redis.call('publish', ARGV[2], ARGV[1])",
      "  return 1",
      "end",
      "return 0");

  /**
   * KEYS: lease, ticks hash. ARGV: our lease value, job, tick epoch ms, term.
   * 1 = recorded, 0 = lease not ours (not recorded), -1 = an equal or later tick is already recorded.
   */
  public static final String RECORD_TICK = String.join("\n",
      "if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end",
      "local cur = redis.call('hget', KEYS[2], ARGV[2])",
      "if cur then",
      "  local t = tonumber(string.match(cur, '^(%d+)'))",
      "  if t and t >= tonumber(ARGV[3]) then return -1 end",
      "end",
      "redis.call('hset', KEYS[2], ARGV[2], ARGV[3] .. '|' .. ARGV[4])",
      "return 1");
}
