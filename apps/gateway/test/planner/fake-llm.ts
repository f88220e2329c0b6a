// Test fixture: one local HTTP server speaking both LLM APIs the planners use — Anthropic Messages
// (POST /v1/messages, JSON or SSE) and OpenAI Chat Completions (POST /v1/chat/completions, JSON or SSE chunks
// ending in [DONE]) — replaying a script of provider-neutral steps, one per request, and recording every request body.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listenLocal } from '../helpers/http.js';

export interface ScriptedCall {
  name: string;
  input?: unknown;
  /** Sent as the arguments text verbatim (e.g. broken JSON) instead of JSON.stringify(input). */
  rawArguments?: string;
}

export type Step =
  | { reply: { text?: string[]; calls?: ScriptedCall[]; model?: string } }
  | { status: number; body?: unknown; headers?: Record<string, string> }
  /** Never answers (the client's timeout must end it). */
  | { hang: true };

export interface RecordedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown> & { messages: Array<{ role: string; content: unknown; tool_call_id?: string }> };
}

export interface FakeLlm {
  /** Base URL for the Anthropic SDK (it appends /v1/messages). */
  anthropicUrl: string;
  /** Base URL for the OpenAI SDK (it appends /chat/completions). */
  openaiUrl: string;
  requests: RecordedRequest[];
  /** Replaces the remaining script. */
  script(steps: Step[]): void;
  close(): Promise<void>;
}

export const FAKE_MODEL = { anthropic: 'claude-fake-4-5-20990101', openai: 'gpt-fake-mini-2099-01-01' } as const;

export async function startFakeLlm(initial: Step[] = []): Promise<FakeLlm> {
  let steps = [...initial];
  const requests: RecordedRequest[] = [];
  let ids = 0;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '';
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as RecordedRequest['body'];
      requests.push({ path, headers: req.headers, body });
      const step = steps.shift() ?? { status: 500, body: { error: { message: 'the fake LLM script ran out' } } };
      if ('hang' in step) return;
      if ('status' in step) {
        res.writeHead(step.status, { 'content-type': 'application/json', ...step.headers });
        res.end(JSON.stringify(step.body ?? { type: 'error', error: { type: 'api_error', message: `status ${step.status}` } }));
        return;
      }
      const stream = body.stream === true;
      if (path === '/v1/messages') return stream ? anthropicStream(res, step.reply, ++ids) : anthropicJson(res, step.reply, ++ids);
      if (path === '/v1/chat/completions') return stream ? openaiStream(res, step.reply, ++ids) : openaiJson(res, step.reply, ++ids);
      res.writeHead(404).end();
    });
  });
  const base = await listenLocal(server);

  return {
    anthropicUrl: base,
    openaiUrl: `${base}/v1`,
    requests,
    script(next) {
      steps = [...next];
    },
    close: () => closeServer(server),
  };
}

type Reply = Extract<Step, { reply: unknown }>['reply'];

function argumentsText(call: ScriptedCall): string {
  return call.rawArguments ?? JSON.stringify(call.input ?? {});
}

function anthropicJson(res: ServerResponse, reply: Reply, id: number): void {
  const content = [
    ...(reply.text?.length ? [{ type: 'text', text: reply.text.join(''), citations: null }] : []),
    ...(reply.calls ?? []).map((call, i) => ({ type: 'tool_use', id: `toolu_${id}_${i}`, name: call.name, input: call.input ?? {} })),
  ];
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      id: `msg_${id}`,
      type: 'message',
      role: 'assistant',
      model: reply.model ?? FAKE_MODEL.anthropic,
      content,
      stop_reason: reply.calls?.length ? 'tool_use' : 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 12, output_tokens: 7 },
    }),
  );
}

/** The Messages API event sequence: message_start, per block start/delta.../stop, message_delta, message_stop. */
function anthropicStream(res: ServerResponse, reply: Reply, id: number): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const send = (event: Record<string, unknown> & { type: string }) => res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  send({
    type: 'message_start',
    message: {
      id: `msg_${id}`,
      type: 'message',
      role: 'assistant',
      model: reply.model ?? FAKE_MODEL.anthropic,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 12, output_tokens: 1 },
    },
  });
  let index = 0;
  if (reply.text?.length) {
    send({ type: 'content_block_start', index, content_block: { type: 'text', text: '', citations: null } });
    for (const text of reply.text) send({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } });
    send({ type: 'content_block_stop', index });
    index += 1;
  }
  for (const [i, call] of (reply.calls ?? []).entries()) {
    send({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: `toolu_${id}_${i}`, name: call.name, input: {} } });
    const json = argumentsText(call);
    const half = Math.floor(json.length / 2);
    for (const partial_json of [json.slice(0, half), json.slice(half)]) {
      send({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } });
    }
    send({ type: 'content_block_stop', index });
    index += 1;
  }
  send({
    type: 'message_delta',
    delta: { stop_reason: reply.calls?.length ? 'tool_use' : 'end_turn', stop_sequence: null },
    usage: { output_tokens: 7 },
  });
  send({ type: 'message_stop' });
  res.end();
}

function openaiJson(res: ServerResponse, reply: Reply, id: number): void {
  const calls = (reply.calls ?? []).map((call, index) => ({ id: `call_${id}_${index}`, type: 'function', function: { name: call.name, arguments: argumentsText(call) } }));
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      id: `chatcmpl-${id}`,
      object: 'chat.completion',
      created: 1_700_000_000,
      model: reply.model ?? FAKE_MODEL.openai,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: reply.text?.join('') ?? null, refusal: null, ...(calls.length ? { tool_calls: calls } : {}) },
          logprobs: null,
          finish_reason: calls.length ? 'tool_calls' : 'stop',
        },
      ],
      usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 },
    }),
  );
}

/** Chat Completions chunks: content deltas, tool_calls deltas (id and name first, arguments in pieces), [DONE]. */
function openaiStream(res: ServerResponse, reply: Reply, id: number): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const model = reply.model ?? FAKE_MODEL.openai;
  const send = (delta: Record<string, unknown>, finish: string | null = null) =>
    res.write(
      `data: ${JSON.stringify({
        id: `chatcmpl-${id}`,
        object: 'chat.completion.chunk',
        created: 1_700_000_000,
        model,
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      })}\n\n`,
    );
  send({ role: 'assistant', content: '' });
  for (const content of reply.text ?? []) send({ content });
  for (const [index, call] of (reply.calls ?? []).entries()) {
    send({ tool_calls: [{ index, id: `call_${id}_${index}`, type: 'function', function: { name: call.name, arguments: '' } }] });
    const json = argumentsText(call);
    const half = Math.floor(json.length / 2);
    for (const piece of [json.slice(0, half), json.slice(half)]) send({ tool_calls: [{ index, function: { arguments: piece } }] });
  }
  send({}, reply.calls?.length ? 'tool_calls' : 'stop');
  res.write('data: [DONE]\n\n');
  res.end();
}
