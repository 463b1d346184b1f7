/**
 * The container setup without a Docker engine: docker-compose.yml and
 * docker-compose.collector.yml parsed with `yaml`, .env.example, .dockerignore, the Dockerfile
 * (its build stage replayed: tsc over exactly what it copies) and deploy/target/Dockerfile.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { envSchema } from '#config';
import { tempDir } from '../support/processes.js';
import { ROOT, SECRET_NAME, assertExit, repoFile, run, secret } from './helpers.js';

type Env = Record<string, string>;

interface Service {
  image?: string;
  build?: string | { context: string };
  init?: boolean;
  command?: string[];
  ports?: string[];
  environment?: Env;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[]; disable?: boolean };
  tmpfs?: string[];
  restart?: string;
}

interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

/** Names pgmon reads besides envSchema: the registration file's ${VAR} references. */
const REGISTRATION_VARIABLES = ['TARGET_MONITOR_PASSWORD', 'TARGET_SSH_PASSWORD'];
const SCHEMA_VARIABLES = Object.keys(envSchema.shape);
const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g;

const compose = parse(repoFile('docker-compose.yml'), { merge: true }) as ComposeFile;
const override = parse(repoFile('docker-compose.collector.yml'), { merge: true }) as ComposeFile;

function service(file: ComposeFile, name: string): Service {
  const found = file.services[name];
  assert.ok(found, `service ${name}`);
  return found;
}

/** Every string of a parsed YAML document. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

/** Compose's interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}. */
function interpolate(text: string, env: Env): string {
  return text.replace(REFERENCE, (_match, name: string, op: string | undefined, arg: string) => {
    const value = env[name];
    const unsetOrEmpty = value === undefined || value === '';
    if (op === ':-') return unsetOrEmpty ? arg : value;
    if (op === '-') return value ?? arg;
    if (op === ':?' && unsetOrEmpty) throw new Error(`${name}: ${arg}`);
    if (op === '?' && value === undefined) throw new Error(`${name}: ${arg}`);
    return value ?? '';
  });
}

/** NAME=value lines of .env.example, values as Compose reads them (a `#` is part of a value). */
function envExample(): Env {
  const entries = repoFile('.env.example')
    .split('\n')
    .map((line) => /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim()))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match): [string, string] => [match[1] ?? '', (match[2] ?? '').trim()]);
  return Object.fromEntries(entries);
}

/** .env.example with every secret filled, as an operator would. */
function filledEnv(): Env {
  return Object.fromEntries(
    Object.entries(envExample()).map(([name, value]) => [
      name,
      SECRET_NAME.test(name) && !value ? secret(32) : value,
    ]),
  );
}

interface Instruction {
  keyword: string;
  args: string;
  stage: number;
}

/** Dockerfile instructions (continuations joined, comments dropped), with their stage index. */
function dockerfile(path: string): Instruction[] {
  const logical: string[] = [];
  let current = '';
  for (const raw of repoFile(path).split('\n')) {
    if (/^\s*#/.test(raw)) continue;
    const line = raw.trimEnd();
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    current += line;
    if (current.trim()) logical.push(current.trim().replace(/\s+/g, ' '));
    current = '';
  }
  let stage = -1;
  return logical.map((line) => {
    const [keyword = '', ...rest] = line.split(' ');
    if (keyword.toUpperCase() === 'FROM') stage++;
    return { keyword: keyword.toUpperCase(), args: rest.join(' '), stage };
  });
}

function composeCli(): string[] | null {
  for (const candidate of [['docker', 'compose'], ['docker-compose']]) {
    const [command = '', ...args] = candidate;
    const probe = spawnSync(command, [...args, 'version'], { stdio: 'ignore', timeout: 10_000 });
    if (probe.status === 0) return candidate;
  }
  return null;
}

describe('docker-compose.yml', () => {
  it('has the services store, pgmon, register, target-a and target-b by default', () => {
    const byDefault = Object.entries(compose.services)
      .filter(([, definition]) => !(definition as { profiles?: string[] }).profiles)
      .map(([name]) => name);
    assert.deepEqual(byDefault.sort(), ['pgmon', 'register', 'store', 'target-a', 'target-b']);
  });

  describe('profile replicas', () => {
    const inProfile = (): [string, Record<string, unknown>][] =>
      Object.entries(compose.services).filter(([, definition]) =>
        ((definition as { profiles?: string[] }).profiles ?? []).includes('replicas'),
      ) as [string, Record<string, unknown>][];

    it('has two API replicas, a collector, Redis and one proxy, and nothing else', () => {
      assert.deepEqual(
        inProfile()
          .map(([name]) => name)
          .sort(),
        ['pgmon-a', 'pgmon-b', 'proxy', 'redis', 'replica-collector'],
      );
    });

    it('gives the replicas and the collector REDIS_URL, and the replicas no collector', () => {
      for (const name of ['pgmon-a', 'pgmon-b', 'replica-collector']) {
        const environment = service(compose, name).environment as Record<string, string>;
        assert.equal(environment.REDIS_URL, 'redis://redis:6379', name);
      }
      for (const name of ['pgmon-a', 'pgmon-b']) {
        const environment = service(compose, name).environment as Record<string, string>;
        assert.equal(environment.COLLECTOR_ENABLED, 'false', name);
        assert.equal(environment.TRUST_PROXY, '1', name);
      }
    });

    it('publishes only the proxy, on the loopback by default', () => {
      for (const [name, definition] of inProfile()) {
        if (name === 'proxy') {
          assert.deepEqual(definition.ports, [
            '${PGMON_BIND:-127.0.0.1}:${PGMON_REPLICAS_PORT:-8001}:8080',
          ]);
        } else {
          assert.equal(definition.ports, undefined, name);
        }
      }
    });
  });

  describe('pgmon', () => {
    const pgmon = service(compose, 'pgmon');

    it('publishes container port 8000, the PORT the image sets', () => {
      assert.deepEqual(
        (pgmon.ports ?? []).map((port) => port.split(':').at(-1)),
        ['8000'],
      );
      const env = dockerfile('Dockerfile').filter((i) => i.keyword === 'ENV');
      assert.ok(env.some((i) => /\bPORT=8000\b/.test(i.args)));
    });

    it('has a healthcheck that fetches /api/health on that port', () => {
      const test = pgmon.healthcheck?.test ?? [];
      assert.equal(test[0], 'CMD');
      assert.ok(test.join(' ').includes('http://127.0.0.1:8000/api/health'), test.join(' '));
    });

    it('waits for a healthy store, runs with init: true, builds the image of the repo', () => {
      assert.deepEqual(pgmon.depends_on?.store, { condition: 'service_healthy' });
      assert.equal(pgmon.init, true);
      assert.equal(pgmon.build, '.');
    });

    it('keeps DATA_DIR (the image sets /var/lib/pgmon) on a volume', () => {
      assert.ok((pgmon.volumes ?? []).includes('pgmon-data:/var/lib/pgmon'));
      const env = dockerfile('Dockerfile').filter((i) => i.keyword === 'ENV');
      assert.ok(env.some((i) => i.args.includes('DATA_DIR=/var/lib/pgmon')));
    });

    it('uses the store service for DATABASE_URL, with its user and database', () => {
      const store = service(compose, 'store').environment ?? {};
      const url = new URL(
        interpolate(pgmon.environment?.DATABASE_URL ?? '', { PGMON_STORE_PASSWORD: 'x' }),
      );
      assert.equal(url.hostname, 'store');
      assert.equal(url.username, store.POSTGRES_USER);
      assert.equal(url.pathname, `/${store.POSTGRES_DB}`);
    });
  });

  it('gives store and both targets a pg_isready healthcheck', () => {
    for (const name of ['store', 'target-a', 'target-b']) {
      const test = service(compose, name).healthcheck?.test ?? [];
      assert.equal(test[0], 'CMD-SHELL', name);
      assert.match(test[1] ?? '', /^pg_isready\b/, name);
    }
  });

  it('builds target-a from deploy/target, whose image installs openssh-server', () => {
    assert.equal(service(compose, 'target-a').build, 'deploy/target');
    const target = dockerfile('deploy/target/Dockerfile');
    assert.ok(
      target.some(
        (i) => i.keyword === 'RUN' && /apt-get install .*\bopenssh-server\b/.test(i.args),
      ),
    );
    for (const copy of target.filter((i) => i.keyword === 'COPY')) {
      for (const source of copy.args.split(' ').slice(0, -1)) {
        assert.ok(existsSync(join(ROOT, 'deploy/target', source)), `COPY source ${source}`);
      }
    }
    assert.ok(target.some((i) => i.keyword === 'ENTRYPOINT' && i.args.includes('start.sh')));
  });

  it('mounts, on target-b, the init script and the SQL where the script looks for it', () => {
    const volumes = service(compose, 'target-b').volumes ?? [];
    assert.ok(volumes.includes('./deploy/target/initdb:/docker-entrypoint-initdb.d:ro'));
    const sql = volumes.find((volume) => volume.startsWith('./deploy/target/monitor-role.sql:'));
    const mountedAt = sql?.split(':')[1];
    const script = repoFile('deploy/target/initdb/10-pgmon-monitor.sh');
    assert.ok(script.includes(`\${PGMON_MONITOR_SQL:-${mountedAt}}`), `default path ${mountedAt}`);
  });

  it('mounts only files that exist in the repository', () => {
    for (const file of [compose, override]) {
      for (const [name, svc] of Object.entries(file.services)) {
        for (const volume of svc.volumes ?? []) {
          const source = volume.split(':')[0] ?? '';
          if (source.startsWith('.'))
            assert.ok(existsSync(join(ROOT, source)), `${name}: ${source}`);
        }
      }
    }
  });

  it('registers the targets once pgmon and both targets are healthy, from the mounted file', () => {
    const register = service(compose, 'register');
    assert.equal(register.image, service(compose, 'pgmon').image);
    for (const name of ['pgmon', 'target-a', 'target-b']) {
      assert.deepEqual(register.depends_on?.[name], { condition: 'service_healthy' }, name);
    }
    assert.equal(register.restart, 'no');
    const command = register.command ?? [];
    assert.deepEqual(command.slice(0, 4), [
      'node',
      'dist/apps/cli/src/main.js',
      'servers',
      'apply',
    ]);
    const file = command[command.indexOf('--file') + 1];
    assert.ok(
      (register.volumes ?? []).includes(`./deploy/compose/targets.json:${file}:ro`),
      `targets.json is mounted at ${file}`,
    );
  });

  it('gives register and the collector the store and the keys of pgmon', () => {
    const pgmon = service(compose, 'pgmon').environment ?? {};
    for (const [file, name] of [
      [compose, 'register'],
      [override, 'collector'],
    ] as const) {
      const env = service(file, name).environment ?? {};
      for (const variable of ['DATABASE_URL', 'SECRET_KEY', 'ENCRYPTION_KEY']) {
        assert.equal(env[variable], pgmon[variable], `${name} ${variable}`);
      }
    }
  });

  it('sets on pgmon, register and collector only variables that pgmon reads', () => {
    const environments = [
      service(compose, 'pgmon').environment,
      service(compose, 'register').environment,
      service(override, 'pgmon').environment,
      service(override, 'collector').environment,
    ];
    for (const name of environments.flatMap((env) => Object.keys(env ?? {}))) {
      assert.ok(
        SCHEMA_VARIABLES.includes(name) || REGISTRATION_VARIABLES.includes(name),
        `${name} is neither in envSchema nor referenced by the registration file`,
      );
    }
    const targets = repoFile('deploy/compose/targets.json');
    for (const name of REGISTRATION_VARIABLES) assert.ok(targets.includes(`\${${name}}`), name);
  });

  it('documents in .env.example every ${VAR} of both compose files', () => {
    const documented = Object.keys(envExample());
    const referenced = new Set(
      strings([compose, override]).flatMap((text) =>
        [...text.matchAll(REFERENCE)].map((match) => match[1] ?? ''),
      ),
    );
    assert.ok(referenced.size >= 10, [...referenced].join());
    for (const name of referenced) assert.ok(documented.includes(name), `${name} in .env.example`);
  });

  it('holds no literal secret: every password, key and token is a ${...} reference', () => {
    for (const file of [compose, override]) {
      for (const [name, svc] of Object.entries(file.services)) {
        for (const [variable, value] of Object.entries(svc.environment ?? {})) {
          if (SECRET_NAME.test(variable)) {
            assert.match(value, /^\$\{[A-Z_]+(:\?[^}]*|:-)?\}$/, `${name} ${variable}`);
          }
        }
      }
      for (const text of strings(file)) {
        const credentials = /:\/\/[^:/@\s]+:([^@\s]+)@/.exec(text);
        if (credentials) assert.match(credentials[1] ?? '', /^\$\{[^}]+\}$/, text);
      }
    }
  });

  it('leaves the secrets of .env.example empty and its other values valid for envSchema', () => {
    const example = envExample();
    for (const [name, value] of Object.entries(example)) {
      if (SECRET_NAME.test(name)) assert.equal(value, '', `${name} has no example value`);
    }
    const pgmonVariables = Object.fromEntries(
      Object.entries(example).filter(([name]) => SCHEMA_VARIABLES.includes(name)),
    );
    const parsed = envSchema.safeParse(pgmonVariables);
    assert.ok(parsed.success, JSON.stringify(parsed.error?.issues));
  });

  it('hands pgmon, register and the collector an environment that envSchema accepts', () => {
    const env = filledEnv();
    for (const [file, name] of [
      [compose, 'pgmon'],
      [compose, 'register'],
      [override, 'collector'],
    ] as const) {
      const resolved = Object.fromEntries(
        Object.entries(service(file, name).environment ?? {}).map(([key, value]) => [
          key,
          interpolate(value, env),
        ]),
      );
      const parsed = envSchema.safeParse(resolved);
      assert.ok(parsed.success, `${name}: ${JSON.stringify(parsed.error?.issues)}`);
    }
    assert.throws(() => interpolate(service(compose, 'pgmon').environment?.SECRET_KEY ?? '', {}));
  });

  const cli = composeCli();
  it(
    '`config -q` accepts both files',
    { skip: cli ? false : 'neither `docker compose` nor `docker-compose` is installed here' },
    async () => {
      const [command = '', ...args] = cli ?? [];
      const result = await run(
        command,
        [...args, '-f', 'docker-compose.yml', '-f', 'docker-compose.collector.yml', 'config', '-q'],
        { cwd: ROOT, env: filledEnv() },
      );
      assertExit(result, 0, 'docker compose config -q');
    },
  );
});

describe('docker-compose.collector.yml', () => {
  it('turns the collector off in pgmon and runs it as its own service', () => {
    assert.equal(service(override, 'pgmon').environment?.COLLECTOR_ENABLED, 'false');
    const collector = service(override, 'collector');
    assert.equal(collector.image, service(compose, 'pgmon').image);
    assert.equal(collector.init, true);
    assert.ok((collector.command ?? []).includes('dist/apps/collector/src/main.js'));
    assert.equal(collector.command?.[0], 'node');
    assert.ok(existsSync(join(ROOT, 'dist/apps/collector/src/main.js')));
    assert.deepEqual(collector.depends_on?.pgmon, { condition: 'service_healthy' });
  });
});

describe('.env.example', () => {
  it('keeps comments on their own lines: Compose reads `KEY=value # text` as the value', () => {
    for (const [name, value] of Object.entries(envExample())) {
      assert.ok(!value.includes('#'), `${name}=${value}`);
    }
  });

  it('says in the comments above each empty value whether it is required or optional', () => {
    const lines = repoFile('.env.example').split('\n');
    for (const [index, line] of lines.entries()) {
      if (!/^[A-Z_]+=$/.test(line)) continue;
      const above = lines.slice(0, index).reverse();
      const comments = above.slice(
        0,
        above.findIndex((l) => !l.startsWith('#')),
      );
      assert.ok(
        comments.some((l) => /\b(required|optional)\b/i.test(l)),
        `${line}: no "required" or "optional" in the comments above it`,
      );
    }
  });
});

describe('one-shot and side services', () => {
  it('mount a tmpfs over the image VOLUME, so that no anonymous volume is left behind', () => {
    const volume = /^VOLUME \["([^"]+)"\]$/m.exec(repoFile('Dockerfile'))?.[1];
    assert.ok(volume, 'the image declares a VOLUME');
    for (const [file, name] of [
      [compose, 'register'],
      [override, 'collector'],
    ] as const) {
      assert.deepEqual(service(file, name).tmpfs, [volume], name);
    }
  });

  it('turn the image HEALTHCHECK (HTTP on the API port) off for the collector', () => {
    assert.deepEqual(service(override, 'collector').healthcheck, { disable: true });
  });
});

describe('deploy/target/Dockerfile', () => {
  it('runs tini as PID 1, so PostgreSQL never reaps the orphans of SSH sessions', () => {
    const target = dockerfile('deploy/target/Dockerfile');
    const entrypoint = target.find((i) => i.keyword === 'ENTRYPOINT');
    const argv = JSON.parse(entrypoint?.args ?? '[]') as string[];
    assert.deepEqual(argv.slice(0, 2), ['/usr/bin/tini', '--']);
    assert.ok(target.some((i) => i.keyword === 'RUN' && /apt-get install .*\btini\b/.test(i.args)));
  });
});

describe('Dockerfile', () => {
  it('has no `# syntax=` line (BuildKit would fetch that frontend from Docker Hub)', () => {
    assert.doesNotMatch(repoFile('Dockerfile'), /^#\s*syntax=/im);
  });

  it('hands node-gyp its nodedir the way npm 11 does not warn about', () => {
    const env = dockerfile('Dockerfile').filter((i) => i.keyword === 'ENV');
    assert.ok(env.some((i) => i.args.includes('npm_package_config_node_gyp_nodedir=/usr/local')));
    assert.ok(!env.some((i) => /npm_config_nodedir/i.test(i.args)));
    const runs = dockerfile('Dockerfile').filter((i) => i.keyword === 'RUN');
    assert.ok(!runs.some((i) => i.args.includes('--nodedir')));
  });

  it('lets `npm run pgmon` run the built CLI (no build step in the image)', () => {
    const runs = dockerfile('Dockerfile').filter((i) => i.stage === 0 && i.keyword === 'RUN');
    assert.ok(runs.some((i) => i.args.includes('npm pkg delete scripts.prepgmon')));
    const scripts = (JSON.parse(repoFile('package.json')) as { scripts: Record<string, string> })
      .scripts;
    assert.match(scripts.pgmon ?? '', /^node .*dist\/apps\/cli\/src\/main\.js$/);
  });

  const instructions = dockerfile('Dockerfile');
  const finalStage = Math.max(...instructions.map((i) => i.stage));
  const inFinal = instructions.filter((i) => i.stage === finalStage);
  const build = instructions.filter((i) => i.stage === 0);

  it('is multi-stage: a build stage, and a runtime stage that copies from it', () => {
    const froms = instructions.filter((i) => i.keyword === 'FROM');
    assert.ok(froms.length >= 2);
    assert.match(froms[0]?.args ?? '', / AS build$/i);
    assert.ok(inFinal.some((i) => i.keyword === 'COPY' && i.args.startsWith('--from=build ')));
  });

  it('uses a Node LTS (even major, at least the engines minimum) base image', () => {
    const arg = instructions.find((i) => i.keyword === 'ARG' && i.args.startsWith('NODE_VERSION='));
    const version = Number(arg?.args.split('=')[1]);
    for (const from of instructions.filter((i) => i.keyword === 'FROM')) {
      assert.match(from.args, /^node:\$\{NODE_VERSION\}-[a-z-]+( AS \w+)?$/, from.args);
    }
    assert.ok(Number.isInteger(version) && version % 2 === 0, `Node ${version} is an LTS line`);
    const engines = (JSON.parse(repoFile('package.json')) as { engines: { node: string } }).engines;
    assert.ok(version >= Number(/(\d+)/.exec(engines.node)?.[1]), engines.node);
  });

  it('runs as a non-root USER', () => {
    const users = inFinal.filter((i) => i.keyword === 'USER');
    assert.equal(users.length, 1);
    assert.ok(!['root', '0'].includes((users[0]?.args ?? '').split(':')[0] ?? ''));
  });

  it('has a HEALTHCHECK on /api/health', () => {
    const check = inFinal.find((i) => i.keyword === 'HEALTHCHECK');
    assert.ok(check);
    const command = JSON.parse(check.args.slice(check.args.indexOf('CMD ') + 4)) as string[];
    assert.equal(command[0], 'node');
    assert.ok(command.join(' ').includes('/api/health'));
  });

  it('prunes dev dependencies after the build, and ships only the pruned node_modules', () => {
    const runs = build.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    assert.ok(runs.some((args) => /tsc -p tsconfig\.json && npm prune --omit=dev/.test(args)));
    assert.ok(
      inFinal.some(
        (i) => i.keyword === 'COPY' && i.args === '--from=build /app/node_modules ./node_modules',
      ),
    );
    assert.equal(
      inFinal.some((i) => i.keyword === 'RUN' && /npm (ci|install)/.test(i.args)),
      false,
    );
  });

  it('runs the API entry point (the one package.json start:prod runs) as its CMD', () => {
    const cmd = inFinal.find((i) => i.keyword === 'CMD');
    assert.deepEqual(JSON.parse(cmd?.args ?? '[]'), [
      'node',
      '--enable-source-maps',
      'dist/apps/api/src/main.js',
    ]);
    const scripts = (JSON.parse(repoFile('package.json')) as { scripts: Record<string, string> })
      .scripts;
    assert.equal(scripts['start:prod'], 'node --enable-source-maps dist/apps/api/src/main.js');
  });

  it('copies package.json (its "imports" resolve #libs) and the compiled apps and libs', () => {
    const copies = inFinal.filter((i) => i.keyword === 'COPY').map((i) => i.args);
    for (const expected of [
      '--from=build /app/package.json ./package.json',
      '--from=build /app/dist/apps ./dist/apps',
      '--from=build /app/dist/libs ./dist/libs',
    ]) {
      assert.ok(copies.includes(expected), expected);
    }
    const imports = (JSON.parse(repoFile('package.json')) as { imports: Record<string, object> })
      .imports;
    assert.deepEqual(imports['#*'], {
      types: './libs/*/src/index.ts',
      default: './dist/libs/*/src/index.js',
    });
  });

  it('keeps node_modules, dist, data, .git and .env out of the build context', () => {
    const ignored = repoFile('.dockerignore')
      .split('\n')
      .map((line) => line.trim());
    for (const entry of ['node_modules', 'dist', 'data', '.git', '.env']) {
      assert.ok(ignored.includes(entry), entry);
    }
  });

  it('needs at run time only packages that are production dependencies', () => {
    const pkg = JSON.parse(repoFile('package.json')) as { dependencies: Record<string, string> };
    const builtins = new Set(builtinModules);
    const missing = new Set<string>();
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.js') && !entry.name.endsWith('.spec.js')) files.push(path);
      }
    };
    walk(join(ROOT, 'dist/apps'));
    walk(join(ROOT, 'dist/libs'));
    assert.ok(files.length > 20, `${files.length} compiled files`);
    const specifier =
      /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)|^import\s+'([^']+)'/gm;
    for (const file of files) {
      for (const match of readFileSync(file, 'utf8').matchAll(specifier)) {
        const name = match[1] ?? match[2] ?? match[3] ?? '';
        if (name.startsWith('.') || name.startsWith('#') || name.startsWith('node:')) continue;
        if (builtins.has(name)) continue;
        const parts = name.split('/');
        const pkgName = name.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? name);
        if (!(pkgName in pkg.dependencies)) missing.add(`${pkgName} (${file.slice(ROOT.length)})`);
      }
    }
    assert.deepEqual([...missing], []);
  });

  describe('the build stage, replayed outside Docker', () => {
    const work = tempDir('pgmon-docker-build-');
    after(() => rmSync(work, { recursive: true, force: true }));

    it('compiles with `npx tsc -p tsconfig.json` from exactly the files it copies', async () => {
      const sources = build
        .filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--'))
        .flatMap((i) => i.args.split(' ').slice(0, -1));
      assert.deepEqual(sources, [
        'package.json',
        'package-lock.json',
        'tsconfig.json',
        'nest-cli.json',
        'apps',
        'libs',
      ]);
      for (const source of sources) {
        cpSync(join(ROOT, source), join(work, source), {
          recursive: true,
          filter: (path) => !path.endsWith('.tsbuildinfo'),
        });
      }
      // `npm ci` in the image installs the same lockfile; the repository's install stands in.
      symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'), 'dir');
      const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
      const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], {
        cwd: work,
        env: {},
        timeoutMs: 180_000,
      });
      assertExit(result, 0, 'tsc in the build stage');
      for (const entry of ['api', 'collector', 'cli']) {
        const main = join(work, 'dist/apps', entry, 'src/main.js');
        assert.ok(existsSync(main), `${main.slice(work.length)} is built`);
      }
      assert.ok(existsSync(join(work, 'dist/libs/config/src/index.js')), 'the libs are built');
    });
  });
});
