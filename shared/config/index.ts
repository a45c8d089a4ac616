export { loadConfig, type Config } from './load-config.ts';
export { configSchema } from './config.schema.ts';
