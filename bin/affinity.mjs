#!/usr/bin/env node
// Entry point of the `affinity` CLI. The sources are TypeScript; tsx compiles them on load
// (cached), so `npx affinity …` works straight after `npm install`, with no build step.
import { register } from 'tsx/esm/api';

register();
await import('./cli.ts');
