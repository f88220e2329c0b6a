// A fake LeadLovers REST API for the HTTP backend's tests: node:http on 127.0.0.1 port 0, in-memory data per
// token, the public API's shapes (Data[] + Links, Items[], `{ StatusCode, Message }` errors in Portuguese), and
// scriptable faults (429 with Retry-After, 500, 200-with-error, slow answers). Records every request.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeLevel {
  Sequence: number;
  Subject: string;
}
export interface FakeSequence {
  SequenceCode: number;
  SequenceName: string;
  MachineCode: number;
  Levels: FakeLevel[];
}
export interface FakeMachine {
  MachineCode: number;
  MachineName: string;
  MachineType: string;
  Views: number;
}
export interface FakeLead {
  Code: number;
  Email: string;
  Name: string | null;
  Phone: string | null;
  Company: string | null;
  City: string | null;
  State: string | null;
  Birthday: string | null;
  Gender: string | null;
  Score: number;
  Tags: string[];
  MachineCode: number;
  EmailSequenceCode: number | null;
  SequenceLevelCode: number | null;
  RegistrationDate: string;
}
export interface FakeAccount {
  machines: FakeMachine[];
  sequences: FakeSequence[];
  leads: FakeLead[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  token: string | null;
  accept: string | undefined;
  body: unknown;
}

export type Fault =
  | { kind: 'status'; status: number; retryAfter?: string; message?: string }
  | { kind: 'error-with-200'; statusCode: number; message: string }
  | { kind: 'slow'; delayMs: number };

export interface FakeLeadLovers {
  url: string;
  requests: RecordedRequest[];
  /** Requests whose client closed the connection before the answer (a slow fault cut short): cancellation reached the wire. */
  abandoned: RecordedRequest[];
  /** Data of the account this token opens; created on first use with `demoAccount()`. */
  account(token: string, data?: FakeAccount): FakeAccount;
  /** The next `times` requests answer with this fault instead of normally. */
  fail(fault: Fault, times?: number): void;
  /** Forgets scripted faults and recorded requests (not data). */
  reset(): void;
  /** Webhooks registered with POST /RestHook, by token. */
  hooks(token: string): FakeHook[];
  /**
   * What LeadLovers does on a new lead: POSTs the new_lead_event body to every hook of the token's account.
   * Resolves with each delivery's HTTP status.
   */
  fireNewLead(token: string, lead: Record<string, unknown>): Promise<number[]>;
  close(): Promise<void>;
}

export interface FakeHook {
  applicationName: string;
  targetUrl: string;
  event: string;
}

export const FAKE_LEADS_PAGE_SIZE = 5;

export function demoAccount(): FakeAccount {
  const lead = (code: number, email: string, name: string, machine: number, sequence: number | null, date: string): FakeLead => ({
    Code: code,
    Email: email,
    Name: name,
    Phone: '11 99999-0000',
    Company: null,
    City: 'São Paulo',
    State: 'SP',
    Birthday: '1990-05-01T00:00:00',
    Gender: 'F',
    Score: 10,
    Tags: ['cliente'],
    MachineCode: machine,
    EmailSequenceCode: sequence,
    SequenceLevelCode: sequence === null ? null : 1,
    RegistrationDate: date,
  });
  return {
    machines: [
      { MachineCode: 101, MachineName: 'Funil Principal', MachineType: 'Captura', Views: 340 },
      { MachineCode: 102, MachineName: 'Lançamento', MachineType: 'Vendas', Views: 12 },
    ],
    sequences: [
      { SequenceCode: 201, SequenceName: 'Boas-vindas', MachineCode: 101, Levels: [{ Sequence: 1, Subject: 'Bem-vindo!' }, { Sequence: 2, Subject: 'Dia 2' }] },
      { SequenceCode: 202, SequenceName: 'Nutrição', MachineCode: 101, Levels: [{ Sequence: 1, Subject: 'Conteúdo 1' }] },
      { SequenceCode: 203, SequenceName: 'Carrinho', MachineCode: 102, Levels: [] },
    ],
    leads: [
      lead(1, 'ana@example.com', 'Ana Souza', 101, 201, '2026-01-10T12:00:00'),
      lead(2, 'bruno@example.com', 'Bruno Lima', 101, 202, '2026-02-11T12:00:00'),
      lead(3, 'carla@example.com', 'Carla Dias', 102, 203, '2026-03-12T12:00:00'),
    ],
  };
}

const apiError = (res: ServerResponse, status: number, message: string, httpStatus = status) => send(res, httpStatus, { StatusCode: status, Message: message });

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/** A lead as GET /Leads and GET /Lead show it: MachineCode as text and tags as objects, as the real API does. */
function show(lead: FakeLead) {
  return { ...lead, MachineCode: String(lead.MachineCode), Tags: lead.Tags.map((Title, Id) => ({ Id, Title })), Photo: null };
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function startFakeLeadLovers(): Promise<FakeLeadLovers> {
  const accounts = new Map<string, FakeAccount>();
  const faults: Fault[] = [];
  const requests: RecordedRequest[] = [];
  const abandoned: RecordedRequest[] = [];
  let nextCode = 1000;

  const accountFor = (token: string, data?: FakeAccount) => {
    if (data) accounts.set(token, data);
    let account = accounts.get(token);
    if (!account) accounts.set(token, (account = demoAccount()));
    return account;
  };

  const hooksByToken = new Map<string, FakeHook[]>();
  const hooksOf = (token: string): FakeHook[] => {
    let list = hooksByToken.get(token);
    if (!list) hooksByToken.set(token, (list = []));
    return list;
  };

  function route(req: RecordedRequest, res: ServerResponse, data: FakeAccount): void {
    const q = req.query;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const machine = (code: unknown) => data.machines.find((m) => m.MachineCode === Number(code));
    const leadsIn = (code: number) => data.leads.filter((l) => l.MachineCode === code).length;
    const machineOut = (m: FakeMachine) => ({ ...m, MachineImage: null, Leads: leadsIn(m.MachineCode) });
    const key = `${req.method} ${req.path.replace(/^\/Machines\/\d+$/, '/Machines/{code}')}`;

    switch (key) {
      case 'GET /Leads': {
        const page = Number(q.page ?? 1);
        const inRange = data.leads.filter(
          (l) => (!q.startDate || l.RegistrationDate.slice(0, 10) >= q.startDate) && (!q.endDate || l.RegistrationDate.slice(0, 10) <= q.endDate),
        );
        const slice = inRange.slice((page - 1) * FAKE_LEADS_PAGE_SIZE, page * FAKE_LEADS_PAGE_SIZE);
        const more = inRange.length > page * FAKE_LEADS_PAGE_SIZE;
        return send(res, 200, { Data: slice.map(show), Links: { Self: `/Leads?page=${page}`, Next: more ? `/Leads?page=${page + 1}` : null, Prev: null } });
      }
      case 'GET /Lead': {
        const lead = data.leads.find((l) => l.Email === q.email);
        return lead ? send(res, 200, show(lead)) : apiError(res, 404, 'Lead não encontrado');
      }
      case 'POST /Lead': {
        if (!body.Email || !body.MachineCode || !body.EmailSequenceCode || !body.SequenceLevelCode) {
          return apiError(res, 400, 'Campos obrigatórios: Email, MachineCode, EmailSequenceCode, SequenceLevelCode');
        }
        if (!machine(body.MachineCode)) return apiError(res, 404, 'Máquina não encontrada');
        if (data.leads.some((l) => l.Email === body.Email && l.MachineCode === body.MachineCode)) {
          return apiError(res, 409, 'Lead já cadastrado nesta máquina');
        }
        data.leads.push({
          Code: nextCode++,
          Email: String(body.Email),
          Name: (body.Name as string) ?? null,
          Phone: (body.Phone as string) ?? null,
          Company: (body.Company as string) ?? null,
          City: (body.City as string) ?? null,
          State: (body.State as string) ?? null,
          Birthday: (body.Birthday as string) ?? null,
          Gender: (body.Gender as string) ?? null,
          Score: 0,
          Tags: (body.Tags as string[]) ?? [],
          MachineCode: Number(body.MachineCode),
          EmailSequenceCode: Number(body.EmailSequenceCode),
          SequenceLevelCode: Number(body.SequenceLevelCode),
          RegistrationDate: new Date().toISOString().slice(0, 19),
        });
        return send(res, 200, { Message: 'Lead incluído na fila de processamento' });
      }
      case 'PATCH /Lead': {
        const matches = data.leads.filter((l) => l.Email === body.Email);
        if (matches.length === 0) return apiError(res, 404, 'Lead não encontrado');
        const fields = ['Name', 'Phone', 'Company', 'City', 'State', 'Birthday', 'Gender', 'Tags'] as const;
        for (const lead of matches) for (const f of fields) if (body[f] !== undefined) (lead as unknown as Record<string, unknown>)[f] = body[f];
        return send(res, 200, { Message: 'Lead atualizado' });
      }
      case 'POST /Score': {
        const matches = data.leads.filter((l) => l.Email === body.Email);
        if (matches.length === 0) return apiError(res, 404, 'Lead não encontrado');
        for (const lead of matches) lead.Score = body.Overwrite ? Number(body.Score) : lead.Score + Number(body.Score);
        return send(res, 200, { Message: 'Pontuação atualizada' });
      }
      case 'DELETE /Lead': {
        const index = data.leads.findIndex((l) => l.Email === q.email && l.MachineCode === Number(q.machineCode));
        if (index < 0) return apiError(res, 404, 'Lead não encontrado na máquina');
        data.leads.splice(index, 1);
        return send(res, 200, { Message: 'Lead removido' });
      }
      case 'DELETE /Lead/Funnel': {
        const lead = data.leads.find(
          (l) => l.Email === q.email && l.MachineCode === Number(q.machineCode) && l.EmailSequenceCode === Number(q.sequenceCode),
        );
        if (!lead) return apiError(res, 404, 'Lead não encontrado no funil');
        lead.EmailSequenceCode = null;
        lead.SequenceLevelCode = null;
        return send(res, 200, { Message: 'Lead removido do funil' });
      }
      case 'POST /RestHook': {
        if (!q.applicationName) return apiError(res, 400, 'applicationName é obrigatório');
        if (typeof body.Target_url !== 'string' || !/^https?:\/\//.test(body.Target_url)) return apiError(res, 400, 'Target_url inválida');
        if (body.Event !== 'new_lead_event') return apiError(res, 400, 'Evento desconhecido');
        const hooks = hooksOf(req.token ?? '');
        const existing = hooks.find((h) => h.targetUrl === body.Target_url && h.event === body.Event);
        if (!existing) hooks.push({ applicationName: q.applicationName, targetUrl: body.Target_url, event: body.Event });
        return send(res, 200, { Message: 'Webhook registrado', Target_url: body.Target_url, Event: body.Event });
      }
      case 'GET /Machines': {
        const page = Number(q.page ?? 1);
        const registers = Number(q.registers ?? 10);
        const items = data.machines.slice((page - 1) * registers, page * registers).map(machineOut);
        return send(res, 200, { Items: items, CurrentPage: page, Registers: registers });
      }
      case 'GET /Machines/{code}': {
        const found = machine(req.path.split('/')[2]);
        return found ? send(res, 200, machineOut(found)) : apiError(res, 404, 'Máquina não encontrada');
      }
      case 'GET /EmailSequences': {
        if (!machine(q.machineCode)) return apiError(res, 404, 'Máquina não encontrada');
        const items = data.sequences.filter((s) => s.MachineCode === Number(q.machineCode));
        return send(res, 200, { Items: items.map(({ SequenceCode, SequenceName }) => ({ SequenceCode, SequenceName })) });
      }
      case 'GET /Levels': {
        const sequence = data.sequences.find((s) => s.SequenceCode === Number(q.sequenceCode) && s.MachineCode === Number(q.machineCode));
        return sequence ? send(res, 200, { Items: sequence.Levels }) : apiError(res, 404, 'Sequência não encontrada');
      }
      default:
        return apiError(res, 404, 'Recurso não encontrado');
    }
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const query = Object.fromEntries(url.searchParams);
      const token = url.searchParams.get('token');
      delete query.token;
      const recorded: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname.replace(/^\/webapi/, ''), query, token, accept: req.headers.accept, body: await readBody(req) };
      requests.push(recorded);

      const fault = faults.shift();
      res.on('close', () => {
        if (!res.writableFinished) abandoned.push(recorded);
      });
      if (fault?.kind === 'slow') await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      else if (fault?.kind === 'status') {
        return send(res, fault.status, { StatusCode: fault.status, Message: fault.message ?? 'Erro interno' }, fault.retryAfter ? { 'Retry-After': fault.retryAfter } : {});
      } else if (fault?.kind === 'error-with-200') return apiError(res, fault.statusCode, fault.message, 200);
      if (res.destroyed) return;

      if (!token || !token.startsWith('tok-')) return apiError(res, 401, 'Token inválido ou expirado');
      route(recorded, res, accountFor(token));
    })().catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { StatusCode: 500, Message: String(err) });
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/webapi`,
    requests,
    abandoned,
    account: accountFor,
    fail(fault, times = 1) {
      for (let i = 0; i < times; i++) faults.push(fault);
    },
    reset() {
      faults.length = 0;
      requests.length = 0;
      abandoned.length = 0;
    },
    hooks: (token) => [...hooksOf(token)],
    async fireNewLead(token, lead) {
      const statuses: number[] = [];
      for (const hook of hooksOf(token)) {
        const response = await fetch(hook.targetUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(lead) });
        await response.arrayBuffer();
        statuses.push(response.status);
      }
      return statuses;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
