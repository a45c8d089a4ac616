export { createRedis, type RedisClient, type RedisClientOptions, type RedisConnection, type RedisScript } from './redis-client.ts';
export { deleteKeysUnder, keysUnder } from './keys-under.ts';
