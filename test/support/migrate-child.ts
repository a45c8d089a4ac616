// A second process for the storage contract: `node --import tsx migrate-child.ts <settings JSON> <start ms>`
// opens the database the settings name, waits for the start time, applies every migration
// and exits 0 (or prints the error and exits 1).
import { loadConfig } from '../../shared/config/index.ts';
import { openDatabase } from '../../shared/storage/index.ts';
import { appMigrations } from './storage-migrations.ts';

const [settingsJson = '{}', startAt = '0'] = process.argv.slice(2);
const db = openDatabase(loadConfig({}, JSON.parse(settingsJson) as Record<string, string>));
try {
  await new Promise((r) => setTimeout(r, Math.max(0, Number(startAt) - Date.now())));
  await db.migrate(appMigrations);
  console.log('migrated');
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await db.close();
}
