// An in-process OTLP/HTTP trace receiver (what a collector is to the gateway): POST /v1/traces in either encoding
// (application/x-protobuf, the default, read by the small wire-format reader below; or application/json), decoded
// into flat spans with their service, ids, parent, attributes and the encoding they came in.
import { createServer } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { closeServer, listenLocal } from './http.js';

export interface ReceivedSpan {
  service: string;
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  kind: number;
  attributes: Record<string, string | number | boolean>;
  encoding: 'protobuf' | 'json';
}

export interface OtlpReceiver {
  /** The base URL: OTEL_EXPORTER_OTLP_ENDPOINT. */
  url: string;
  spans: ReceivedSpan[];
  /** Raw request bodies, for checks on what was (not) sent. */
  bodies: string[];
  close(): Promise<void>;
}

type AnyValue = { stringValue?: string; intValue?: number | string; boolValue?: boolean; doubleValue?: number };
type KeyValue = { key: string; value: AnyValue };
interface ExportRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: Array<{ spans?: Array<{ traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes?: KeyValue[] }> }>;
  }>;
}

function valueOf(value: AnyValue): string | number | boolean {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  return value.doubleValue ?? '';
}

const attributesOf = (list: KeyValue[] = []): Record<string, string | number | boolean> => Object.fromEntries(list.map((kv) => [kv.key, valueOf(kv.value)]));

// --- protobuf: just enough of the wire format (varints, fixed64, length-delimited) for opentelemetry-proto's
// ExportTraceServiceRequest { 1: ResourceSpans { 1: Resource { 1: KeyValue }, 2: ScopeSpans { 2: Span } } },
// Span { 1 trace_id, 2 span_id, 4 parent_span_id, 5 name, 6 kind, 9 attributes }, KeyValue { 1 key, 2 AnyValue },
// AnyValue { 1 string, 2 bool, 3 int, 4 double }.
type Field = { no: number; varint?: bigint; bytes?: Buffer; fixed64?: Buffer };

function readFields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let at = 0;
  const varint = (): bigint => {
    let value = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = buf[at++];
      if (byte === undefined) throw new Error('truncated protobuf varint');
      value |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < buf.length) {
    const key = Number(varint());
    const no = key >>> 3;
    switch (key & 7) {
      case 0:
        out.push({ no, varint: varint() });
        break;
      case 1:
        out.push({ no, fixed64: buf.subarray(at, (at += 8)) });
        break;
      case 2: {
        const length = Number(varint());
        out.push({ no, bytes: buf.subarray(at, (at += length)) });
        break;
      }
      case 5:
        at += 4;
        break;
      default:
        throw new Error(`unexpected protobuf wire type ${key & 7}`);
    }
  }
  return out;
}

const sub = (fields: Field[], no: number): Buffer[] => fields.filter((f) => f.no === no && f.bytes).map((f) => f.bytes!);

function protoValue(buf: Buffer): string | number | boolean {
  const [field] = readFields(buf);
  if (!field) return '';
  if (field.no === 1) return field.bytes!.toString('utf8');
  if (field.no === 2) return field.varint === 1n;
  if (field.no === 3) return Number(BigInt.asIntN(64, field.varint!));
  if (field.no === 4) return field.fixed64!.readDoubleLE(0);
  return '';
}

function protoAttributes(list: Buffer[]): Record<string, string | number | boolean> {
  return Object.fromEntries(
    list.map((kv) => {
      const fields = readFields(kv);
      const value = sub(fields, 2)[0];
      return [sub(fields, 1)[0]?.toString('utf8') ?? '', value ? protoValue(value) : ''];
    }),
  );
}

function decodeProtobuf(body: Buffer): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of sub(readFields(body), 1)) {
    const rs = readFields(resourceSpans);
    const resource = sub(rs, 1)[0];
    const service = String((resource ? protoAttributes(sub(readFields(resource), 1)) : {})['service.name'] ?? '');
    for (const scopeSpans of sub(rs, 2)) {
      for (const span of sub(readFields(scopeSpans), 2)) {
        const f = readFields(span);
        const parent = sub(f, 4)[0];
        spans.push({
          service,
          name: sub(f, 5)[0]?.toString('utf8') ?? '',
          traceId: sub(f, 1)[0]?.toString('hex') ?? '',
          spanId: sub(f, 2)[0]?.toString('hex') ?? '',
          parentSpanId: parent && parent.length ? parent.toString('hex') : undefined,
          kind: Number(f.find((x) => x.no === 6)?.varint ?? 0n),
          attributes: protoAttributes(sub(f, 9)),
          encoding: 'protobuf',
        });
      }
    }
  }
  return spans;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const type = String(req.headers['content-type']);
      const json = type.startsWith('application/json');
      if (req.method !== 'POST' || req.url !== '/v1/traces' || !(json || type.startsWith('application/x-protobuf'))) {
        res.writeHead(415).end();
        return;
      }
      const raw = Buffer.concat(chunks);
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      bodies.push(body.toString('utf8'));
      if (!json) {
        spans.push(...decodeProtobuf(body));
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
        return;
      }
      const decoded = JSON.parse(body.toString('utf8')) as ExportRequest;
      for (const resourceSpans of decoded.resourceSpans ?? []) {
        const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name'] ?? '');
        for (const scope of resourceSpans.scopeSpans ?? []) {
          for (const span of scope.spans ?? []) {
            spans.push({
              service,
              name: span.name,
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId || undefined,
              kind: span.kind,
              attributes: attributesOf(span.attributes),
              encoding: 'json',
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  const url = await listenLocal(server);
  return { url, spans, bodies, close: () => closeServer(server) };
}
