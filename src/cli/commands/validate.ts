/**
 * `propsync validate`: config and mappings; with --check also credentials and CRM setup, for
 * every object kind of every connection (with --setup, the key on each kind's CRM object).
 */
import type { Command } from 'commander';
import type { TenantConfig } from '../../config/index.js';
import { processEnv } from '../../core/process-env.js';
import type { Redactor } from '../../core/redact.js';
import type { PropstreetWebhookCalls } from '../../propstreet/webhooks.js';
import type { StateStore } from '../../state/port.js';
import { EXIT, type ExitCode, exitCodeForError, worstExitCode } from '../exit-codes.js';

interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly message: string;
}

/** A failed check's exit code: what `run` would exit with for the same error (unreachable: 5). */
function failedExitCode(error: unknown): ExitCode {
  const code = (error as { code?: unknown }).code;
  return exitCodeForError(typeof code === 'string' ? code : undefined);
}

export function registerValidate(program: Command, redactor: Redactor): void {
  program
    .command('validate')
    .description('check a tenant config and its mappings; --check also tries the credentials and CRM setup')
    .argument('<config>', 'tenant config file (YAML)')
    .option('--check', 'also call the APIs: tokens, the CRM key property, scopes')
    .option('--setup', 'with --check: create what is missing where the CRM allows (HubSpot property)')
    .option(
      '--public-url <url>',
      "with --check: serve's base URL, to check (--setup: create) the Propstreet webhook subscription (default: $PROPSYNC_PUBLIC_URL)",
    )
    .option('--json', 'print one JSON object')
    .action(
      async (
        configPath: string,
        flags: { check?: boolean; setup?: boolean; json?: boolean; publicUrl?: string },
      ) => {
        const { openObject } = await import('../../app/open-connection.js');
        const { openPropstreet } = await import('../../app/open-propstreet.js');
        const { bridgeAdvice } = await import('../../config/bridge-advice.js');
        const { systemClock } = await import('../../core/clock.js');
        const { createLogger } = await import('../../core/logger.js');
        const { runLabel } = await import('../../report/run-label.js');
        const { loadConfigForCli } = await import('../load-config.js');
        const { printJson } = await import('../output.js');
        // Offline, the API credentials are not used: their variables may be unset.
        const config = await loadConfigForCli(
          configPath,
          flags.check ? { redactor } : { secrets: 'none', redactor },
        );
        const exitCodes: ExitCode[] = [];
        const checks: Check[] = [{ name: 'config', ok: true, message: `${config.file} is valid` }];
        let reveal: { variable: string; secret: string } | undefined;
        const objects = config.connections.flatMap((c) =>
          c.objects.map((o) => ({ connection: c, object: o })),
        );
        for (const { connection, object } of objects)
          checks.push({
            name: `${runLabel({ connection: connection.name, kind: object.kind })}: mapping`,
            ok: true,
            message: `${object.mapping} is valid`,
          });
        // Advice is shown, never failed on: a tenant may mean it.
        for (const a of bridgeAdvice(config))
          checks.push({ name: a.name, ok: true, message: `advice: ${a.message}` });
        if (config.unresolvedSecrets)
          checks.push({
            name: 'secrets',
            ok: true,
            message: `not set, needed by run and validate --check: ${config.unresolvedSecrets.join(', ')}`,
          });
        if (flags.check) {
          const logger = createLogger({ level: 'warn', redactor });
          const deps = { clock: systemClock, logger, redactor };
          try {
            // A check writes nothing to the state file (it may not exist yet): it paces alone.
            const propstreet = await openPropstreet(config, { ...deps, dryRun: true });
            try {
              for await (const _page of propstreet.listContacts({ pageSize: 1 })) break;
              checks.push({ name: 'propstreet', ok: true, message: 'token accepted' });
              const hook = await checkWebhook(config, propstreet.webhooks, {
                setup: flags.setup === true,
                publicUrl: flags.publicUrl ?? processEnv().PROPSYNC_PUBLIC_URL,
                redactor,
              });
              checks.push(...hook.checks);
              for (const c of hook.checks) if (!c.ok) exitCodes.push(EXIT.authOrSetup);
              reveal = hook.reveal;
            } finally {
              await propstreet.close();
            }
          } catch (error) {
            checks.push({ name: 'propstreet', ok: false, message: (error as Error).message });
            exitCodes.push(failedExitCode(error));
          }
          for (const { connection, object } of objects) {
            const label = runLabel({ connection: connection.name, kind: object.kind });
            try {
              const { crm } = openObject(config, connection, object, deps);
              const report = flags.setup ? await crm.setup() : await crm.check();
              for (const ch of report.checks) {
                checks.push({ name: `${label}: ${ch.name}`, ok: ch.ok, message: ch.message });
                if (!ch.ok) exitCodes.push(ch.code ? exitCodeForError(ch.code) : EXIT.authOrSetup);
              }
            } catch (error) {
              checks.push({ name: `${label}: connection`, ok: false, message: (error as Error).message });
              exitCodes.push(failedExitCode(error));
            }
          }
        }
        const ok = checks.every((c) => c.ok);
        const failed = checks.filter((c) => !c.ok);
        const error = {
          code: 'CHECK_FAILED',
          message: failed.map((c) => `${c.name}: ${c.message}`).join('; '),
        };
        if (flags.json) printJson(ok ? { ok, checks } : { ok, checks, error }, redactor);
        else
          process.stdout.write(
            // A refusal may quote what the server echoed: scrubbed like --json.
            redactor.redact(
              `${checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.message}`).join('\n')}\n`,
            ),
          );
        // Past the redactor on purpose, and only here: it could not be stored, and is never shown again.
        if (reveal)
          process.stdout.write(
            flags.json
              ? `${JSON.stringify({ webhookSecret: reveal })}\n`
              : `\nThe Propstreet webhook secret, shown this once (keep it in a secret store):\n${reveal.variable}=${reveal.secret}\n`,
          );
        process.exitCode = worstExitCode(exitCodes);
      },
    );
}

/** The Propstreet webhook subscription, sealing a new secret into the state when PROPSYNC_STATE_KEY is set. */
async function checkWebhook(
  config: TenantConfig,
  webhooks: PropstreetWebhookCalls,
  o: { setup: boolean; publicUrl: string | undefined; redactor: Redactor },
) {
  const { setupPropstreetWebhook } = await import('../../app/propstreet-webhook-setup.js');
  const { openTenantStore } = await import('../../app/open-store.js');
  const { stateKeyFrom } = await import('../../core/secret-box.js');
  const { tenantEnv } = await import('../../config/env-interpolation.js');
  const env = tenantEnv(config);
  let opened: Promise<StateStore> | undefined;
  try {
    return await setupPropstreetWebhook({
      config,
      publicUrl: o.publicUrl,
      webhooks,
      setup: o.setup,
      env,
      stateKey: stateKeyFrom(env, o.redactor),
      store: () => {
        opened ??= openTenantStore(config);
        return opened;
      },
    });
  } catch (error) {
    return { checks: [{ name: 'propstreet: webhook', ok: false, message: (error as Error).message }] };
  } finally {
    if (opened) await (await opened.catch(() => undefined))?.close();
  }
}
