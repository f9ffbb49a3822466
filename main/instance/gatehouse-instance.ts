import * as path from 'node:path';
import type { ApiHandlers, InstanceInfo } from '../../shared/api-contract';
import { DEFAULT_LISTEN, formatConfigIssue, routeId, type ConfigIssue, type GatehouseConfig } from '../../shared/config';
import { ConfigError } from '../config/config-error';
import { ConfigStore } from '../config/config-store';
import { watchConfig, type ConfigWatcher } from '../config/config-watcher';
import { ensureDataDir } from '../config/data-dir';
import { Engine } from '../engine/engine';
import type { ExchangeObserver } from '../engine/exchange-observer';
import type { Logger } from '../engine/logger';
import { Recorder } from '../recorder/recorder';
import { EventHub } from '../control/event-hub';
import { startControlSurface, type ControlSurface } from '../control/control-surface';
import type { ConfigPort } from '../control/api-handlers';
import { CertificateAuthority } from '../tls/certificate-authority';
import { startHttpsPart, type HttpsPart } from '../tls/https-part';
import { startDnsPart, type DnsPart } from '../dns/dns-part';
import { createCaPort } from '../trust/ca-port';
import { removeInstanceFile, writeInstanceFile } from './instance-file';
import { claimDataDir } from './running-instance';
import { gatehouseVersion } from './version';
import { lanExposureWarning } from './lan-exposure';

/**
 * The composition root: one running Gatehouse, as `gatehouse start` and the
 * Electron shell create it. It owns the parts (config, engine, watcher, and the
 * listeners other modules add) and starts them in order; stop() stops them in
 * reverse order.
 *
 * To add a part: start it in start() at its place in the sequence, then
 * `this.started('name', (graceMs) => part.stop())` so it is stopped (and
 * stopped on a failed start); react to config edits with onConfigApplied().
 */
export interface GatehouseInstanceOptions {
  configPath: string;
  dataDir: string;
  /** Overrides config.httpPort (CLI --http-port); 0 = any free port. */
  httpPort?: number;
  /** Overrides config.httpsPort (CLI --https-port); for the HTTPS listener. With httpPort 0 it defaults to 0 too. */
  httpsPort?: number;
  /** Overrides config.dnsPort (CLI --dns-port); for the DNS responder. With httpPort 0 it defaults to 0 too. */
  dnsPort?: number;
  /** Overrides config.listen (tests). */
  listen?: string[];
  /** True when no desktop window drives this instance (the CLI, or `npm start` without Electron). */
  headless: boolean;
  logger: Logger;
  /** Exchange observer for the engine; default: this instance's recorder. */
  observer?: ExchangeObserver;
  /** Control server port (default: any free port). */
  controlPort?: number;
  /** Built renderer served by the control server (default: dist/renderer). */
  staticDir?: string;
}

/** Why the config file's latest content is not in effect. */
export interface ConfigProblem {
  path: string;
  /** Located issues (empty when the file is missing or could not be applied). */
  issues: ConfigIssue[];
  /** One or more lines, ready to print. */
  message: string;
}

interface StartedPart {
  name: string;
  stop(graceMs: number): Promise<void>;
}

/** Top-level settings that only take effect when the listeners are (re)started. */
const RESTART_FIELDS = ['httpPort', 'httpsPort', 'dnsPort', 'listen'] as const;

function restartSettings(config: GatehouseConfig): Record<(typeof RESTART_FIELDS)[number], string> {
  return {
    httpPort: JSON.stringify(config.httpPort),
    httpsPort: JSON.stringify(config.httpsPort),
    dnsPort: JSON.stringify(config.dnsPort),
    listen: JSON.stringify(config.listen),
  };
}

export class GatehouseInstance {
  readonly store: ConfigStore;
  private watcherRef: ConfigWatcher | undefined;
  private currentConfig!: GatehouseConfig;
  private problem: ConfigProblem | undefined;
  private engineRef: Engine | undefined;
  private readonly parts: StartedPart[] = [];
  private readonly appliedListeners = new Set<(config: GatehouseConfig) => void>();
  private readonly problemListeners = new Set<(problem: ConfigProblem) => void>();
  private stopping: Promise<void> | undefined;
  private startedAt = 0;
  /** The restart-only settings as the listeners were started with them (JSON of each). */
  private listenerSettings: Record<(typeof RESTART_FIELDS)[number], string> | undefined;
  /** API events (recorder, config, CA); the control server and the Electron shell subscribe. */
  readonly events = new EventHub();
  private recorderRef: Recorder | undefined;
  private controlRef: ControlSurface | undefined;
  private httpsRef: HttpsPart | undefined;
  private dnsRef: DnsPart | undefined;

  private constructor(readonly options: Readonly<GatehouseInstanceOptions>) {
    this.store = new ConfigStore(options.configPath);
  }

  static async start(options: GatehouseInstanceOptions): Promise<GatehouseInstance> {
    const instance = new GatehouseInstance(options);
    try {
      await instance.startParts();
    } catch (err) {
      await instance.stop(0);
      throw err;
    }
    return instance;
  }

  private async startParts(): Promise<void> {
    const { options } = this;
    const log = options.logger;

    // 1. State directory and config (a config that does not validate stops the start here).
    //    A live Gatehouse on the same data directory stops it first: its instance.json is not ours to replace.
    ensureDataDir(options.dataDir);
    const lock = await claimDataDir(options.dataDir);
    this.started('data directory lock', () => lock.release());
    const loaded = await this.store.load();
    if (loaded.created) log.info(`created ${loaded.file} with a default route (app.test → http://127.0.0.1:3000); edit it or use \`gatehouse route add\``);
    this.currentConfig = loaded.config;
    this.listenerSettings = restartSettings(loaded.config);

    // 1b. The local CA (created on first run). A damaged one stops the start here, with its advice
    //     (`gatehouse ca reset`), before any listener has opened or said that it listens.
    const ca = await CertificateAuthority.open({ dataDir: options.dataDir, suffixes: loaded.config.suffixes, logger: log });

    // 2. The proxy engine: plain HTTP listeners, route table, upstream pools; the recorder observes it.
    const recorder = new Recorder({ recording: loaded.config.recording, routes: loaded.config.routes, emit: this.events.emit });
    this.recorderRef = recorder;
    const engine = await Engine.start({
      config: loaded.config,
      ...(options.httpPort !== undefined ? { httpPort: options.httpPort } : {}),
      ...(options.listen !== undefined ? { listen: options.listen } : {}),
      observer: options.observer ?? recorder,
      logger: log,
      // Relative file: targets ("file:./dist") are relative to the config file, as a user reads them.
      baseDir: path.dirname(this.store.file),
    });
    this.engineRef = engine;
    this.started('engine', (graceMs) => engine.stop(graceMs));
    const lanWarning = lanExposureWarning(options.listen ?? loaded.config.listen ?? DEFAULT_LISTEN);
    if (lanWarning) log.warn(lanWarning);

    // 3. Parts that feed the engine or watch it go here, each followed by started():
    //    HTTPS listener (this.httpsPort), DNS responder, recorder, control server.

    // 3a. HTTPS (main/tls: the CA opened in 1b, a certificate per routed SNI name, h2 + http/1.1) and DNS for the suffixes.
    //     An ephemeral HTTP port (0, as tests use) makes the HTTPS and DNS defaults ephemeral too.
    const ephemeral = options.httpPort === 0 ? 0 : undefined;
    const httpsPort = this.httpsPort ?? ephemeral;
    const https = await startHttpsPart({
      ca,
      config: loaded.config,
      engine,
      ...(httpsPort !== undefined ? { port: httpsPort } : {}),
      ...(options.listen !== undefined ? { listen: options.listen } : {}),
      logger: log,
    });
    this.httpsRef = https;
    this.started('HTTPS listener', (graceMs) => https.stop(graceMs));
    this.onConfigApplied((config) => void https.applyConfig(config).catch((err: Error) => log.error(`HTTPS: ${err.message}`)));
    const dnsPort = options.dnsPort ?? (loaded.config.dnsPort === undefined ? ephemeral : undefined);
    const dns = await startDnsPart({ config: loaded.config, ...(dnsPort !== undefined ? { port: dnsPort } : {}), logger: log });
    this.dnsRef = dns;
    this.started('DNS responder', () => dns.stop());
    this.onConfigApplied((config) => dns.applyConfig(config));
    const caPort = createCaPort(https.ca);

    // 3b. Control API (loopback HTTP + WebSocket; the shell reuses its handlers over IPC).
    const control = await startControlSurface({
      recorder,
      events: this.events,
      config: this.appliedEdits(),
      // Applying an edit announces its routes (onConfigApplied above, routes.changed).
      configAnnouncesRoutes: true,
      currentConfig: () => this.currentConfig,
      routeStatus: () => engine.routeStatus(),
      purgeCache: (id) => engine.purgeCache(id),
      endpoints: () => {
        const i = this.info();
        return { ...(i.httpPort !== undefined ? { httpPort: i.httpPort } : {}), ...(i.httpsPort !== undefined ? { httpsPort: i.httpsPort } : {}) };
      },
      info: () => this.info(),
      ca: () => caPort,
      ...(options.controlPort !== undefined ? { port: options.controlPort } : {}),
      ...(options.staticDir !== undefined ? { staticDir: options.staticDir } : {}),
    });
    this.controlRef = control;
    this.started('control server', () => control.stop());
    this.onConfigApplied((config) => {
      recorder.configure(config.recording, config.routes);
      this.events.emit('routes.changed', config.routes.map((route) => ({ id: routeId(route), route, enabled: route.enabled !== false })));
    });
    this.onConfigProblem((problem) => this.events.emit('config.error', { path: problem.path, error: { code: 'CONFIG_INVALID', message: problem.message } }));

    // 4. Hand edits of the config file, applied live.
    const watcher = await watchConfig(this.store.file, {
      initialText: loaded.text,
      onEvent: (event) => {
        if (event.type === 'changed') this.applyConfig(event.config);
        else if (event.type === 'invalid') this.reportProblem(event.issues, 'the running routes were kept');
        else this.reportProblem([], `${event.reason}; the running routes were kept`);
      },
    });
    this.watcherRef = watcher;
    this.started('config watcher', () => watcher.close());

    // 5. Tell other processes where this instance is.
    this.startedAt = Date.now();
    await writeInstanceFile(options.dataDir, { ...this.info(), startedAt: this.startedAt, token: control.server.token });
    this.started('instance file', async () => removeInstanceFile(options.dataDir));
  }

  /**
   * The config store as the control API sees it: an edit made through the API is
   * applied to the running parts before the call returns, so a request sent right
   * after `routes.toggle` already sees the change (the watcher, which fires later
   * with the same content, then finds nothing new to apply).
   */
  private appliedEdits(): ConfigPort {
    const store = this.store;
    const thenApply = async <T>(edit: Promise<T>): Promise<T> => {
      const result = await edit.catch((err: unknown) => {
        if (err instanceof ConfigError && err.code === 'CONFIG_MISSING') {
          // Never recreated with the defaults: that would replace the routes this instance still serves.
          throw new ConfigError(
            'CONFIG_MISSING',
            `the config file ${store.file} does not exist (deleted while Gatehouse runs; the running routes were kept); restore it, then edit again`,
            [],
            { cause: err },
          );
        }
        throw err;
      });
      const { config, text } = await store.read();
      this.applyConfig(config);
      // The watcher must measure the next hand edit against this text, not the one before
      // the API edit: otherwise saving the file back to that older text looks like no change.
      this.watcherRef?.accept(text);
      return result;
    };
    return {
      read: () => store.read(),
      addRoute: (route) => thenApply(store.addRoute(route)),
      updateRoute: (ref, route) => thenApply(store.updateRoute(ref, route)),
      removeRoute: (ref) => thenApply(store.removeRoute(ref)),
      setRouteEnabled: (ref, enabled) => thenApply(store.setRouteEnabled(ref, enabled)),
      updateSettings: (settings) => thenApply(store.updateSettings(settings)),
    };
  }

  /** Registers a started part so stop() stops it (in reverse order of starting). */
  private started(name: string, stop: (graceMs: number) => Promise<void>): void {
    this.parts.push({ name, stop });
  }

  get engine(): Engine {
    if (!this.engineRef) throw new Error('the engine is not running');
    return this.engineRef;
  }

  /** The traffic recorder. */
  get recorder(): Recorder {
    if (!this.recorderRef) throw new Error('the recorder is not running');
    return this.recorderRef;
  }

  /** The API, implemented once; the Electron shell calls these over IPC. */
  get api(): ApiHandlers {
    if (!this.controlRef) throw new Error('the control API is not running');
    return this.controlRef.handlers;
  }

  /** The dashboard URL with its token (print it for the user; never log it). */
  get dashboardUrl(): string | undefined {
    return this.controlRef?.server.dashboardUrl;
  }

  /** The config in effect (the last good one). */
  get config(): GatehouseConfig {
    return this.currentConfig;
  }

  /** Set while the file on disk is invalid or missing; cleared by the next good edit. */
  get configProblem(): ConfigProblem | undefined {
    return this.problem;
  }

  /** The HTTPS port asked for: --https-port, else the config's httpsPort, else undefined (the listener's default). */
  get httpsPort(): number | undefined {
    return this.options.httpsPort ?? this.currentConfig.httpsPort;
  }

  info(): InstanceInfo {
    const info: InstanceInfo = {
      version: gatehouseVersion(),
      mode: this.options.headless ? 'headless' : 'app',
      pid: process.pid,
      configPath: this.store.file,
      dataDir: this.options.dataDir,
    };
    if (this.engineRef) info.httpPort = this.engineRef.httpPort;
    if (this.httpsRef) info.httpsPort = this.httpsRef.port;
    if (this.dnsRef?.port !== undefined) info.dnsPort = this.dnsRef.port;
    if (this.controlRef) info.controlUrl = this.controlRef.server.url;
    return info;
  }

  /** Called after each config edit that took effect. Returns an unsubscribe function. */
  onConfigApplied(listener: (config: GatehouseConfig) => void): () => void {
    this.appliedListeners.add(listener);
    return () => this.appliedListeners.delete(listener);
  }

  /** Called when an edit of the config file could not take effect. Returns an unsubscribe function. */
  onConfigProblem(listener: (problem: ConfigProblem) => void): () => void {
    this.problemListeners.add(listener);
    return () => this.problemListeners.delete(listener);
  }

  /** Applies a validated config to every part; on failure nothing changes and the problem is reported. */
  private applyConfig(config: GatehouseConfig): void {
    // An API edit is applied at once and then seen again by the watcher: nothing new, nothing to do.
    if (this.problem === undefined && JSON.stringify(config) === JSON.stringify(this.currentConfig)) return;
    try {
      this.engine.applyConfig(config);
    } catch (err) {
      this.reportProblem([], `${this.store.file} could not be applied (${(err as Error).message}); the running routes were kept`);
      return;
    }
    const previous = this.currentConfig;
    this.currentConfig = config;
    this.problem = undefined;
    const enabled = config.routes.filter((r) => r.enabled !== false).length;
    this.options.logger.info(`config reloaded: ${config.routes.length} route(s), ${enabled} enabled`);
    const before = restartSettings(previous);
    const now = restartSettings(config);
    for (const field of RESTART_FIELDS) {
      if (before[field] === now[field]) continue;
      // Set back to what the listeners run with: nothing is waiting for a restart any more.
      if (now[field] === this.listenerSettings?.[field]) this.options.logger.info(`"${field}" is back to the value Gatehouse runs with`);
      else this.options.logger.warn(`"${field}" changed in ${this.store.file}; restart Gatehouse for it to take effect`);
    }
    for (const listener of this.appliedListeners) {
      try {
        listener(config);
      } catch (err) {
        this.options.logger.error(`a config listener failed: ${(err as Error).message}`);
      }
    }
  }

  private reportProblem(issues: ConfigIssue[], consequence: string): void {
    const message = issues.length
      ? [`${this.store.file} is not valid (${consequence}):`, ...issues.map((i) => `  ${formatConfigIssue(i)}`)].join('\n')
      : consequence;
    this.problem = { path: this.store.file, issues, message };
    this.options.logger.error(message);
    for (const listener of this.problemListeners) {
      try {
        listener(this.problem);
      } catch (err) {
        this.options.logger.error(`a config listener failed: ${(err as Error).message}`);
      }
    }
  }

  /** Stops every part in reverse order; in-flight requests get up to `graceMs` to finish. Idempotent. */
  stop(graceMs = 5_000): Promise<void> {
    this.stopping ??= this.stopParts(graceMs);
    return this.stopping;
  }

  private async stopParts(graceMs: number): Promise<void> {
    while (this.parts.length > 0) {
      const part = this.parts.pop()!;
      try {
        await part.stop(graceMs);
      } catch (err) {
        this.options.logger.error(`stopping the ${part.name} failed: ${(err as Error).message}`);
      }
    }
  }
}
