import { InvalidArgumentError, type Command } from 'commander';
import { ApiKeyRepository, ApiKeys, authMigrations, CONTROL, MAX_RATE_LIMIT_PER_MINUTE, parseScopes, type ApiKeyInfo } from '../../shared/auth/index.ts';
import { printResult } from '../../shared/cli/json-output.ts';
import { loadConfig } from '../../shared/config/index.ts';
import { openDatabase } from '../../shared/storage/index.ts';

const rateLimit = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > MAX_RATE_LIMIT_PER_MINUTE) throw new InvalidArgumentError(`not a whole number of requests per minute from 0 to ${MAX_RATE_LIMIT_PER_MINUTE}: ${v}`);
  return n;
};
const scopes = (v: string) => {
  try {
    return parseScopes(v);
  } catch (err) {
    throw new InvalidArgumentError(err instanceof Error ? err.message : String(err));
  }
};

/** The keys of the configured database (AFFINITY_DATA_DIR or DATABASE_URL), its table created if need be. */
async function withKeys<T>(fn: (keys: ApiKeys) => Promise<T>): Promise<T> {
  const db = openDatabase(loadConfig());
  try {
    await db.migrate(authMigrations);
    return await fn(new ApiKeys(new ApiKeyRepository(db)));
  } finally {
    await db.close();
  }
}

/** A name as stored, with any control character (a key made before they were refused) shown escaped. */
const printable = (name: string) => name.replace(new RegExp(CONTROL.source, 'g'), (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const describe = (k: ApiKeyInfo) =>
  `${k.id}  ${printable(k.name)}  [${k.scopes.join(',')}]  limit ${k.rate_limit_per_minute ?? 'default'}/min  created ${k.created_at}  last used ${k.last_used_at ?? 'never'}${k.revoked_at ? `  REVOKED ${k.revoked_at}` : ''}`;

/** `affinity keys create|list|revoke`: API keys, in the database the API reads them from. */
export function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description('API keys: create (shown once), list (never the secrets), revoke');
  keys
    .command('create')
    .description('create an API key and print it; only its hash is stored, so this is the one time it is shown')
    .requiredOption('--name <name>', 'who or what the key is for')
    .option('--scopes <list>', 'comma-separated: read, write, admin (each implies the ones before it)', scopes, parseScopes('read'))
    .option('--rate-limit <n>', 'requests per minute for this key (default: RATE_LIMIT_PER_MINUTE; 0: none)', rateLimit)
    .option('--json', 'print one JSON object (with the key) as the last line of stdout')
    .action(async (o: { name: string; scopes: ReturnType<typeof parseScopes>; rateLimit?: number; json?: boolean }) => {
      const { key, info } = await withKeys((k) => k.create({ name: o.name, scopes: o.scopes, rateLimit: o.rateLimit ?? null }));
      // with --json the key is in the JSON line only (the human summary goes to stderr)
      printResult({ key, ...info }, o, () =>
        [`created ${describe(info)}`, ...(o.json ? [] : ['the key (shown this once: store it now; send it as `Authorization: Bearer <key>`):', key])].join('\n'),
      );
    });
  keys
    .command('list')
    .description('every key with its scopes, limit, creation, last use and revocation (never a secret)')
    .option('--json', 'print one JSON object as the last line of stdout')
    .action(async (o: { json?: boolean }) => {
      const list = await withKeys((k) => k.list());
      printResult({ keys: list }, o, () => (list.length ? list.map(describe).join('\n') : 'no API keys'));
    });
  keys
    .command('revoke')
    .description('revoke a key by its id (the part after aff_): running servers refuse it within 10 s')
    .argument('<id>', 'the key id, as `keys list` shows it')
    .option('--json', 'print one JSON object as the last line of stdout')
    .action(async (id: string, o: { json?: boolean }) => {
      const info = await withKeys((k) => k.revoke(id));
      printResult(info, o, () => `revoked ${describe(info)}`);
    });
}
