#!/usr/bin/env node
// Entry point: registers tsx so the TypeScript sources run directly (no build step to go stale).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
