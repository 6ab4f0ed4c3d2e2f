#!/usr/bin/env node
// The CLI runs from its bundle, dist/bundle/ (built by `npm ci` through the prepare script;
// scripts/bundle.mjs says why it is bundled).
// React's development build checks and warns on every render and costs about twice as much
// in the terminal UI; a user's crilab runs the production build unless told otherwise. The
// CLI is imported after this line (a static import would be evaluated first).
process.env.NODE_ENV ??= 'production';
// ink draws only the last frame when it believes it runs in CI (is-in-ci reads CI when ink is
// imported). In a real terminal the UI must draw as it goes, so there a CI variable inherited
// from the environment is set aside.
if (process.stdout.isTTY && process.env.CI !== undefined) process.env.CI = 'false';
await import('../dist/bundle/crilab.js');
