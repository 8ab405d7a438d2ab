#!/usr/bin/env node
import { runCli } from './rutaCli.js';

// `npx ruta …` (package.json bin). Everything is in rutaCli.ts, where tests call it in-process.
runCli(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`ruta: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
