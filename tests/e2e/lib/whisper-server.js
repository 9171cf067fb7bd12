// Runs a real whisper-server for the browser tests: a temporary SQLite database, a
// superuser made with the CLI, `runserver` on a free 127.0.0.1 port. Only the PID this
// fixture started is ever signalled, and every wait is bounded in time.

'use strict';

const {execFile, spawn} = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const {promisify} = require('node:util');

const execFileAsync = promisify(execFile);
const START_TIMEOUT_MS = 20000;
const STOP_TIMEOUT_MS = 10000;

/** Asks the kernel for a free loopback port (closed again before the server binds it). */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const {port} = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function sleep(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }

class WhisperServer {
  /**
   * Makes a fresh database with a superuser `admin` / `adminPassword`; call start().
   * The binary comes from WHISPER_SERVER_BIN (ctest passes the built target).
   * `extraConfig(port)` returns more TOML lines (keys before the [argon2] table).
   */
  static async create({adminPassword, extraConfig = () => []}) {
    const binary = process.env.WHISPER_SERVER_BIN;
    if (!binary || !fs.existsSync(binary)) {
      throw new Error(
          `WHISPER_SERVER_BIN must name the built whisper-server (got "${binary || ''}")`);
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'whisper-e2e-'));
    const server = new WhisperServer(binary, dir, await freePort());
    fs.writeFileSync(server.configPath, [
      `database = "${path.join(dir, 'whisper.db')}"`,
      'log_level = "info"',
      ...extraConfig(server.port),
      // Cheap hashing keeps logins fast in tests; production keeps the defaults.
      '[argon2]',
      'time_cost = 1',
      'memory_kib = 8192',
      '',
    ].join('\n'));
    await server.cli(['migrate']);
    await server.cli(
        ['createsuperuser', '--username', 'admin', '--no-input'],
        {WHISPER_PASSWORD: adminPassword});
    return server;
  }

  constructor(binary, dir, port) {
    this.binary = binary;
    this.dir = dir;
    this.port = port;
    this.configPath = path.join(dir, 'whisper.toml');
    this.logPath = path.join(dir, 'server.log');
    this.child = null;
    this.baseUrl = `http://127.0.0.1:${port}`;
  }

  async cli(args, env = {}) {
    await execFileAsync(
        this.binary, ['--config', this.configPath, ...args],
        {env: {...process.env, ...env}, timeout: 30000});
  }

  /** Starts `runserver` and resolves once /healthz answers 200. */
  async start() {
    const log = fs.openSync(this.logPath, 'a');
    this.child = spawn(
        this.binary, ['--config', this.configPath, 'runserver', `127.0.0.1:${this.port}`],
        {stdio: ['ignore', log, log]});
    fs.closeSync(log);
    const child = this.child;
    let exitCode = null;
    child.once('exit', (code, signal) => { exitCode = code ?? signal; });
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (exitCode !== null) throw new Error(`whisper-server exited (${exitCode}):\n${this.log()}`);
      try {
        const response = await fetch(`${this.baseUrl}/healthz`);
        if (response.ok) return;
      } catch (err) {
        // Not listening yet.
      }
      await sleep(100);
    }
    throw new Error(
        `whisper-server did not answer /healthz within ${START_TIMEOUT_MS} ms:\n${this.log()}`);
  }

  /** Stops the server this fixture started: SIGTERM, then SIGKILL if it lingers. */
  async stop() {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = sleep(STOP_TIMEOUT_MS).then(() => 'timeout');
    if ((await Promise.race([exited, timer])) === 'timeout') {
      child.kill('SIGKILL');
      await exited;
    }
  }

  /** The server's output so far, for failure messages. */
  log() {
    try {
      return fs.readFileSync(this.logPath, 'utf8').slice(-4000);
    } catch (err) {
      return '(no log)';
    }
  }

  /** Stops the server and removes its temporary directory. */
  async dispose() {
    await this.stop();
    fs.rmSync(this.dir, {recursive: true, force: true});
  }
}

module.exports = {WhisperServer};
