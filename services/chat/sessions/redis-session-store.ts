import { randomUUID } from 'node:crypto';
import type { RedisClient, RedisScript } from '../../../shared/redis/index.ts';
import type { AppendOutcome, SessionState, SessionStore, Turn } from './session-store.ts';

// Both keys of a session share a hash tag, so they land in one slot of a Redis Cluster.
const stateKey = (id: string) => `chat:session:{${id}}`;
const turnsKey = (id: string) => `chat:transcript:{${id}}`;
/** The user's sessions (a set), for erasure and export; it expires with the last of them. */
const userKey = (userId: string) => `chat:user-sessions:{${userId}}`;

/** Compare-and-set of the turn count, then the state, the transcript line and both TTLs, atomically. */
const APPEND = `
local n = redis.call('HGET', KEYS[1], 'turns')
if not n then return -1 end
if tonumber(n) ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'state', ARGV[2], 'turns', tonumber(ARGV[1]) + 1)
redis.call('RPUSH', KEYS[2], ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[4])
return 1
`;

const ID = /^[0-9a-f-]{36}$/;

/**
 * Sessions in Redis: a hash per session (`state` JSON and `turns`) and a list of turns (the
 * transcript), both expiring `ttlSeconds` after the last message; and per user a set of their
 * session ids, renewed with each of their messages. Keys live under the client's prefix.
 */
export class RedisSessionStore implements SessionStore {
  private readonly appendScript: RedisScript;

  constructor(
    private readonly redis: RedisClient,
    readonly ttlSeconds: number,
  ) {
    this.appendScript = redis.script('chat_append_turn', APPEND, 2);
  }

  async create(state: SessionState): Promise<string> {
    const id = randomUUID();
    const { turns, ...rest } = state;
    await this.redis.run((c) => {
      const m = c
        .multi()
        .hset(stateKey(id), 'state', JSON.stringify(rest), 'turns', String(turns))
        .expire(stateKey(id), this.ttlSeconds);
      if (state.user_id) m.sadd(userKey(state.user_id), id).expire(userKey(state.user_id), this.ttlSeconds);
      return m.exec();
    });
    return id;
  }

  async load(id: string): Promise<SessionState | undefined> {
    if (!ID.test(id)) return undefined;
    const h = await this.redis.run((c) => c.hgetall(stateKey(id)));
    if (!h.state || h.turns === undefined) return undefined;
    return { ...(JSON.parse(h.state) as Omit<SessionState, 'turns'>), turns: Number(h.turns) };
  }

  async transcript(id: string): Promise<Turn[] | undefined> {
    if (!ID.test(id)) return undefined;
    const [exists, lines] = await this.redis.run(async (c) => {
      const r = await c.multi().exists(stateKey(id)).lrange(turnsKey(id), 0, -1).exec();
      return [r?.[0]?.[1] as number, (r?.[1]?.[1] ?? []) as string[]] as const;
    });
    if (!exists) return undefined;
    return lines.map((l) => JSON.parse(l) as Turn);
  }

  async append(id: string, expectedTurns: number, state: SessionState, turn: Turn): Promise<AppendOutcome> {
    const { turns: _turns, ...rest } = state;
    const r = await this.redis.run(() => this.appendScript([stateKey(id), turnsKey(id)], [expectedTurns, JSON.stringify(rest), JSON.stringify(turn), this.ttlSeconds]));
    // the user's index lives as long as their newest session (a session may be given its user late)
    const userId = state.user_id;
    if (r === 1 && userId) await this.redis.run((c) => c.multi().sadd(userKey(userId), id).expire(userKey(userId), this.ttlSeconds).exec());
    return r === 1 ? 'ok' : r === 0 ? 'conflict' : 'missing';
  }

  async sessionsOf(userId: string): Promise<string[]> {
    // members whose session expired stay in the set until it expires too
    return (await this.redis.run((c) => c.smembers(userKey(userId)))).filter((id) => ID.test(id)).sort();
  }

  async eraseUser(userId: string): Promise<{ sessions: number; turns: number; sessionIds: string[] }> {
    const ids = await this.sessionsOf(userId);
    if (ids.length === 0) {
      await this.redis.run((c) => c.del(userKey(userId)));
      return { sessions: 0, turns: 0, sessionIds: [] };
    }
    const r = await this.redis.run((c) => {
      const p = c.pipeline();
      for (const id of ids) p.exists(stateKey(id)).llen(turnsKey(id)).del(stateKey(id), turnsKey(id));
      // only the sessions erased leave the index: one the user started meanwhile stays findable
      return p.srem(userKey(userId), ...ids).exec();
    });
    const sessions = ids.filter((_, i) => r?.[i * 3]?.[1] === 1).length;
    const turns = ids.reduce((n, _, i) => n + Number(r?.[i * 3 + 1]?.[1] ?? 0), 0);
    return { sessions, turns, sessionIds: ids };
  }
}
