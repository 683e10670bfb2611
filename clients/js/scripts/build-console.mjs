// Builds the console (app/ and the client in src/) into src/Baton.Api/Console, which is committed
// so that `dotnet run` and `dotnet test` need no Node; `--check` builds into a temporary folder
// and fails when the committed copy differs (run by the unit tests, so CI catches a stale copy).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const target = resolve(root, '../../src/Baton.Api/Console');
const check = process.argv.includes('--check');
const banner = '// Built from clients/js by `npm run build:console`; edit the TypeScript there, not this file.\n';

const out = mkdtempSync(join(tmpdir(), 'baton-console-'));
try {
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.console.json'), '--outDir', out], { stdio: 'inherit' });
  for (const file of list(out)) {
    if (file.endsWith('.js')) {
      writeFileSync(join(out, file), banner + readFileSync(join(out, file), 'utf8'));
    }
  }

  cpSync(join(root, 'app/index.html'), join(out, 'index.html'));
  cpSync(join(root, 'app/console.css'), join(out, 'console.css'));

  if (check) {
    const built = list(out);
    const committed = safeList(target);
    const differ = [...new Set([...built, ...committed])].filter((f) =>
      !built.includes(f) || !committed.includes(f) || !readFileSync(join(out, f)).equals(readFileSync(join(target, f))));
    if (differ.length > 0) {
      console.error(`src/Baton.Api/Console is not what clients/js builds (${differ.join(', ')}); run npm run build:console in clients/js.`);
      process.exit(1);
    }

    console.log(`src/Baton.Api/Console is up to date (${built.length} files).`);
  } else {
    rmSync(target, { recursive: true, force: true });
    cpSync(out, target, { recursive: true });
    console.log(`built ${list(target).length} files into ${relative(process.cwd(), target) || target}`);
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}

function list(dir) {
  return readdirSync(dir, { recursive: true }).map(String).filter((f) => statSync(join(dir, f)).isFile()).map((f) => f.split('\\').join('/')).sort();
}

function safeList(dir) {
  try {
    return list(dir);
  } catch {
    return [];
  }
}
