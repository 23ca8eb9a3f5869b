/**
 * Sesame's own time per bot turn against a bare Teams SDK v2 echo bot, both on this machine, both answering over
 * the same HTTP stack (HonoTeamsAdapter + @hono/node-server on 127.0.0.1) and both sending through the sandbox's
 * Bot Framework connector. Sesame turns: a "help" message, and procedure A's steps on fresh runs (start message,
 * submit the vendor's email, confirm the invitation: card-action invokes).
 *
 * "Own time" = the wall time of the POST /api/messages round trip minus the time the sandbox's servers (Graph,
 * Bot Framework connector and token service, Entra ID) spent serving requests made during that turn, measured on
 * the server side through Node's http.server diagnostics channels; overlapping requests count once.
 *
 * `npx tsx bench/bot-turn-overhead.ts`; writes bench/results/bot-turn-overhead.json. Counts can be lowered with
 * BENCH_ECHO_TURNS, BENCH_HELP_TURNS, BENCH_PROCEDURE_RUNS, BENCH_WARMUP_TURNS.
 */
import '../scripts/node-version-guard.js'; // first: an unsupported Node.js stops here, before anything else loads
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { cardAction, message, post, type Party, type Posted } from './lib/activities.js';
import { startEchoBot, type EchoBot } from './lib/echo-bot.js';
import { startLocalStack, type LocalStack } from '../tests/helpers/local-stack.js';
import { writeResult } from './lib/results.js';
import { portOf, ServerSpans } from './lib/server-spans.js';
import { ratio, summarize, type Summary } from './lib/stats.js';

const count = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1 || value > 100_000) throw new Error(`${name} must be 1..100000`);
  return value;
};
const ECHO_TURNS = count('BENCH_ECHO_TURNS', 500);
const HELP_TURNS = count('BENCH_HELP_TURNS', 300);
const PROCEDURE_RUNS = count('BENCH_PROCEDURE_RUNS', 100);
const WARMUP_TURNS = count('BENCH_WARMUP_TURNS', 50);
/**
 * A self-check of the subtraction: with latency injected into every sandbox Graph answer, wall times grow and own
 * times should not. 0 (the default) for the figures.
 */
const SANDBOX_LATENCY_MS = Number(process.env.BENCH_SANDBOX_LATENCY_MS ?? 0);
const PROCEDURE_WARMUP_RUNS = Math.max(1, Math.round(WARMUP_TURNS / 5));
/** The whole run is bounded: past this, it stops with an error rather than run on. */
const DEADLINE_MS = 5 * 60_000;

const START_TEXT = 'accès invité Cegid Loop';
const VENDOR = 'admin@onloop.onmicrosoft.com';
const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';

type Card = Record<string, unknown>;

interface TurnSample {
  readonly wallMs: number;
  /** The bot's server: request handed to its handler → last byte of its response. */
  readonly serverMs: number;
  readonly sandboxMs: number;
  readonly sandboxRequests: number;
}

class Samples {
  readonly turns: TurnSample[] = [];
  add(sample: TurnSample): void {
    this.turns.push(sample);
  }
  report() {
    const pick = (f: (t: TurnSample) => number): Summary => summarize(this.turns.map(f));
    return {
      turns: this.turns.length,
      ownMs: pick((t) => t.wallMs - t.sandboxMs),
      wallMs: pick((t) => t.wallMs),
      sandboxMs: pick((t) => t.sandboxMs),
      ownServerSideMs: pick((t) => t.serverMs - t.sandboxMs),
      sandboxRequestsPerTurn: pick((t) => t.sandboxRequests).mean,
    };
  }
}

const started = performance.now();
function checkDeadline(): void {
  if (performance.now() - started > DEADLINE_MS)
    throw new Error(`bot-turn-overhead ran past its ${DEADLINE_MS / 1000} s bound`);
}

/** Every Action.Execute in a card, wherever it sits. */
function executeActions(node: unknown, found: Card[] = []): Card[] {
  if (Array.isArray(node)) for (const item of node) executeActions(item, found);
  else if (node && typeof node === 'object') {
    const o = node as Card;
    if (o.type === 'Action.Execute' || o.type === 'Action.OpenUrl') found.push(o);
    for (const [key, value] of Object.entries(o)) if (key !== 'refresh') executeActions(value, found);
  }
  return found;
}

function actionData(card: Card, verb: string): Record<string, unknown> {
  const action = executeActions(card).find((a) => a.verb === verb);
  if (!action) throw new Error(`no ${verb} button on ${JSON.stringify(card).slice(0, 300)}`);
  return action.data as Record<string, unknown>;
}

function invokeCard(posted: Posted, verb: string): Card {
  const body = posted.body as { type?: string; value?: Card } | undefined;
  if (posted.status !== 200 || body?.type !== ADAPTIVE || !body.value)
    throw new Error(`${verb} answered ${posted.status} ${JSON.stringify(body).slice(0, 300)}`);
  return body.value;
}

async function main(): Promise<void> {
  const loadBefore = Math.round(loadavg()[0]! * 100) / 100;
  const spans = new ServerSpans();
  let stack: LocalStack | undefined;
  let echo: EchoBot | undefined;
  try {
    stack = await startLocalStack();
    echo = await startEchoBot(stack.sandbox);
    const { sandbox, sesame } = stack;
    spans.watch(portOf(sandbox.httpUrl), 'sandbox');
    spans.watch(portOf(sandbox.httpsUrl), 'sandbox');
    spans.watch(portOf(sesame.url), 'sesame');
    spans.watch(echo.port, 'echo');
    const recorder = sandbox.identity.botFramework;

    /** One turn: the round trip, and what the bot's and the sandbox's servers spent within it. */
    async function turn(bot: 'echo' | 'sesame', activity: unknown, ...into: Samples[]): Promise<Posted> {
      checkDeadline();
      const posted = await post(bot === 'echo' ? echo!.url : sesame.url, activity);
      if (posted.status < 200 || posted.status > 299) throw new Error(`${bot} answered ${posted.status}`);
      const server = spans.take(bot, posted.from, posted.to);
      const outside = spans.take('sandbox', posted.from, posted.to);
      const sample = {
        wallMs: posted.to - posted.from,
        serverMs: server.busyMs,
        sandboxMs: outside.busyMs,
        sandboxRequests: outside.requests,
      };
      for (const samples of into) samples.add(sample);
      return posted;
    }

    const lastCard = (conversationId: string): Card => {
      const cards = recorder
        .activities(conversationId)
        .flatMap(
          (a) => (a.activity?.attachments as { contentType: string; content: Card }[] | undefined) ?? [],
        )
        .filter((att) => att.contentType === ADAPTIVE);
      const card = cards[cards.length - 1]?.content;
      if (!card) throw new Error(`the bot sent no card to ${conversationId}`);
      return card;
    };

    // Sign the admin in once; the token service then has their token for every later conversation.
    const setup = stack.party('globalAdmin', 'a:bench-setup');
    await turn('sesame', message(setup, START_TEXT));
    const signInCard = lastCard(setup.conversationId);
    const link = executeActions(signInCard).find((a) => a.type === 'Action.OpenUrl')?.url;
    if (typeof link !== 'string') throw new Error('expected a sign-in card');
    await stack.signIn(link, 'globalAdmin');
    invokeCard(await turn('sesame', cardAction(setup, 'signin.done', {})), 'signin.done');

    // Echo and help turns interleaved, so GC pauses and scheduler noise fall on both alike.
    const echoParty: Party = {
      ...stack.party('globalAdmin', 'a:bench-echo'),
      botId: 'echo-bot',
      locale: 'en-US',
    };
    const helpParty = stack.party('globalAdmin', 'a:bench-help', 'en-US');
    const echoSamples = new Samples();
    const helpSamples = new Samples();
    for (let i = 0; i < WARMUP_TURNS; i++) {
      await turn('echo', message(echoParty, `hello ${i}`));
      await turn('sesame', message(helpParty, 'help'));
    }
    for (let i = 0; i < Math.max(ECHO_TURNS, HELP_TURNS); i++) {
      if (i < ECHO_TURNS) await turn('echo', message(echoParty, `hello ${i}`), echoSamples);
      if (i < HELP_TURNS) await turn('sesame', message(helpParty, 'help'), helpSamples);
    }
    if (recorder.activities(echoParty.conversationId).length !== WARMUP_TURNS + ECHO_TURNS)
      throw new Error('the echo bot did not send one reply per turn');

    // Procedure A on a fresh run each time, on a freshly reset tenant so every run takes the same path.
    const startSamples = new Samples();
    const submitSamples = new Samples();
    const confirmSamples = new Samples();
    const stepSamples = new Samples();
    for (let r = 0; r < PROCEDURE_WARMUP_RUNS + PROCEDURE_RUNS; r++) {
      const measured = r >= PROCEDURE_WARMUP_RUNS;
      const reset = await fetch(`${sandbox.httpUrl}/_sandbox/reset`, { method: 'POST' });
      if (!reset.ok) throw new Error(`sandbox reset answered ${reset.status}`);
      if (SANDBOX_LATENCY_MS > 0) {
        const faults = await fetch(`${sandbox.httpUrl}/_sandbox/faults`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ latencyMs: SANDBOX_LATENCY_MS }),
        });
        if (!faults.ok) throw new Error(`sandbox faults answered ${faults.status}`);
      }
      const party = stack.party('globalAdmin', `a:bench-run-${r}`);
      const keep = (...samples: Samples[]) => (measured ? samples : []);
      await turn('sesame', message(party, START_TEXT), ...keep(startSamples));
      let card = lastCard(party.conversationId);
      const submit = { ...actionData(card, 'run.submit'), email: VENDOR };
      const submitted = await turn(
        'sesame',
        cardAction(party, 'run.submit', submit),
        ...keep(submitSamples, stepSamples),
      );
      card = invokeCard(submitted, 'submit');
      if (!JSON.stringify(card).includes(`Inviter ${VENDOR} comme invité ?`))
        throw new Error(`submit did not reach the invitation: ${JSON.stringify(card).slice(0, 300)}`);
      const confirm = actionData(card, 'run.confirm');
      const confirmed = await turn(
        'sesame',
        cardAction(party, 'run.confirm', confirm),
        ...keep(confirmSamples, stepSamples),
      );
      card = invokeCard(confirmed, 'confirm');
      if (!JSON.stringify(card).includes(`Attribuer le rôle Inviteur à ${VENDOR} ?`))
        throw new Error(`confirm did not invite: ${JSON.stringify(card).slice(0, 300)}`);
    }

    const echoReport = echoSamples.report();
    const rows = {
      echo: echoReport,
      help: helpSamples.report(),
      procedureStart: startSamples.report(),
      procedureSubmit: submitSamples.report(),
      procedureConfirm: confirmSamples.report(),
      procedureSteps: stepSamples.report(),
    };
    const versusEcho = (row: { ownMs: Summary }) => ({
      p50: ratio(row.ownMs.p50, echoReport.ownMs.p50),
      p99: ratio(row.ownMs.p99, echoReport.ownMs.p99),
    });
    const ratios = {
      help: versusEcho(rows.help),
      procedureSteps: versusEcho(rows.procedureSteps),
      procedureSubmit: versusEcho(rows.procedureSubmit),
      procedureConfirm: versusEcho(rows.procedureConfirm),
      procedureStart: versusEcho(rows.procedureStart),
    };

    const labels: Record<keyof typeof rows, string> = {
      echo: 'echo bot, message (bare SDK)',
      help: 'Sesame, "help" message',
      procedureStart: 'Sesame, procedure A start (message)',
      procedureSubmit: 'Sesame, A: submit email (invoke)',
      procedureConfirm: 'Sesame, A: confirm invite (invoke)',
      procedureSteps: 'Sesame, A: submit + confirm',
    };
    const pad = (s: string | number, n: number) => String(s).padStart(n);
    console.log(
      `${'turn'.padEnd(38)}${pad('n', 5)}${pad('own p50', 10)}${pad('own p99', 10)}` +
        `${pad('wall p50', 10)}${pad('wall p99', 10)}${pad('sandbox p50', 13)}${pad('sbx req', 9)}`,
    );
    for (const [key, row] of Object.entries(rows) as [keyof typeof rows, (typeof rows)['echo']][]) {
      console.log(
        `${labels[key].padEnd(38)}${pad(row.turns, 5)}${pad(row.ownMs.p50.toFixed(2), 10)}` +
          `${pad(row.ownMs.p99.toFixed(2), 10)}${pad(row.wallMs.p50.toFixed(2), 10)}${pad(row.wallMs.p99.toFixed(2), 10)}` +
          `${pad(row.sandboxMs.p50.toFixed(2), 13)}${pad(row.sandboxRequestsPerTurn.toFixed(1), 9)}`,
      );
    }
    console.log('(ms; own = wall − time inside the sandbox; sbx req = sandbox requests per turn, mean)');
    console.log(
      `${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, ` +
        `1-min load average ${loadBefore} at start, ${Math.round(loadavg()[0]! * 100) / 100} at end`,
    );
    for (const [key, r] of Object.entries(ratios))
      console.log(`Sesame/echo own time, ${key}: p50 ×${r.p50}, p99 ×${r.p99}`);

    const file = await writeResult('bot-turn-overhead', {
      counts: {
        warmupTurnsPerBot: WARMUP_TURNS,
        echoTurns: ECHO_TURNS,
        helpTurns: HELP_TURNS,
        procedureWarmupRuns: PROCEDURE_WARMUP_RUNS,
        procedureRuns: PROCEDURE_RUNS,
      },
      method:
        'Everything in one Node process on 127.0.0.1: the sandbox tenant, Sesame (startSesame, local mode, SQLite) ' +
        'and a bare Teams SDK v2 echo bot (same HonoTeamsAdapter + @hono/node-server stack, same sandbox connector). ' +
        'Each turn is one POST /api/messages, timed by the client from request to last response byte (wallMs). ' +
        "The sandbox's servers (Graph, Bot Framework connector and token service, Entra ID) are timed on the server " +
        'side through the http.server.request.start / http.server.response.finish diagnostics channels; their busy ' +
        'time within the turn (overlapping requests counted once) is sandboxMs. ownMs = wallMs − sandboxMs: it ' +
        "keeps the bot's own work, its HTTP clients' work on the sandbox's requests and loopback transfer. " +
        'ownServerSideMs is the same without the client leg of /api/messages. Echo and help turns interleaved after ' +
        'warm-up; procedure A runs each on a reset sandbox tenant and a new conversation, admin signed in once. ' +
        (SANDBOX_LATENCY_MS > 0
          ? `Self-check run: ${SANDBOX_LATENCY_MS} ms injected into every sandbox Graph answer of procedure A.`
          : 'Sandbox fault injection off (latency 0).'),
      loadAverage1mAtStart: loadBefore,
      sandboxGraphLatencyMs: SANDBOX_LATENCY_MS,
      results: rows,
      ratiosSesameOverEcho: ratios,
    });
    console.log(`written to ${file}`);
  } finally {
    spans.close();
    await echo?.close();
    await stack?.stop();
  }
}

await main();
