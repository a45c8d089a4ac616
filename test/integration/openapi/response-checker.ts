// Checks real HTTP answers against the OpenAPI document: the status must be documented for the
// operation, the media type must match, and the body must validate against the documented
// schema (JSON Schema 2020-12, the dialect of OpenAPI 3.1, with ajv in strict mode). Records
// which statuses each operation was seen answering.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Response } from 'supertest';

// ajv-formats is CommonJS: its default export is the module itself
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

interface MediaType {
  schema?: object;
}
interface OperationObject {
  operationId: string;
  responses: Record<string, { content?: Record<string, MediaType> }>;
}
export interface Document {
  openapi: string;
  paths: Record<string, Record<string, OperationObject>>;
  components?: { schemas?: Record<string, object> };
  'x-undocumented'?: Array<{ method: string; path: string; reason: string }>;
}

export interface Operation {
  method: string;
  path: string;
  operationId: string;
  /** Matches the request paths the operation's path template stands for. */
  pattern: RegExp;
  responses: OperationObject['responses'];
}

// the document's `#/components/schemas/X` become references into one schema of their own
const COMPONENTS_ID = 'components.json';
const relink = (x: unknown): object => JSON.parse(JSON.stringify(x).replaceAll('"#/components/schemas/', `"${COMPONENTS_ID}#/$defs/`)) as object;

/** `/v1/items/{id}` → /^\/v1\/items\/[^/]+\/?$/ (express ignores a trailing slash). */
function templateRegExp(template: string): RegExp {
  const literals = template.split(/\{[^}]+\}/).map((p) => p.replace(/[.*+?^$(){}|[\]\\/]/g, '\\$&'));
  return new RegExp(`^${literals.join('[^/]+')}/?$`);
}

export class ResponseChecker {
  readonly operations = new Map<string, Operation>();
  /** Statuses each operation (by operationId) was seen answering. */
  readonly seen = new Map<string, Set<number>>();
  private readonly ajv = new Ajv2020({ allErrors: true, strict: true });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(readonly doc: Document) {
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: COMPONENTS_ID, $defs: relink(doc.components?.schemas ?? {}) });
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        this.operations.set(op.operationId, { method, path, operationId: op.operationId, pattern: templateRegExp(path), responses: op.responses });
      }
    }
  }

  /** Compiles every response schema of the document (throws on one ajv's strict mode refuses). */
  compileAll(): number {
    let n = 0;
    for (const op of this.operations.values()) {
      for (const [status, res] of Object.entries(op.responses)) {
        for (const type of Object.keys(res.content ?? {})) {
          this.validator(op, status, type);
          n++;
        }
      }
    }
    return n;
  }

  private validator(op: Operation, status: string, type: string): ValidateFunction {
    const key = `${op.operationId} ${status} ${type}`;
    let v = this.validators.get(key);
    if (!v) {
      v = this.ajv.compile(relink(op.responses[status]!.content![type]!.schema ?? {}));
      this.validators.set(key, v);
    }
    return v;
  }

  /**
   * Throws unless `res` is a documented answer of `operationId`, and returns it.
   * @example checker.check('getItem', await request(app).get('/v1/items/a'))
   */
  check(operationId: string, res: Response): Response {
    const op = this.operations.get(operationId);
    if (!op) throw new Error(`no operation ${operationId} in the document`);
    const req = res.request as unknown as { method: string; url: string };
    const where = `${operationId} (${req.method} ${req.url}) answered ${res.status}`;
    const path = new URL(req.url).pathname;
    if (req.method.toLowerCase() !== op.method || !op.pattern.test(path)) throw new Error(`${where}: the request is not ${op.method.toUpperCase()} ${op.path}`);
    const documented = op.responses[String(res.status)];
    if (!documented) throw new Error(`${where}: status not documented (documented: ${Object.keys(op.responses).join(', ')}); body ${res.text.slice(0, 300)}`);
    const types = Object.keys(documented.content ?? {});
    if (types.length === 0) {
      if (res.text) throw new Error(`${where}: documented without a body, but it has one: ${res.text.slice(0, 200)}`);
    } else {
      const mediaType = String(res.headers['content-type'] ?? '').split(';')[0]!.trim();
      if (!types.includes(mediaType)) throw new Error(`${where}: content-type ${mediaType}, documented ${types.join(', ')}`);
      const v = this.validator(op, String(res.status), mediaType);
      const body: unknown = mediaType === 'application/json' ? res.body : res.text;
      if (!v(body)) throw new Error(`${where}: body does not match the document: ${this.ajv.errorsText(v.errors, { separator: '\n  ' })}\n  body: ${JSON.stringify(body).slice(0, 600)}`);
    }
    const statuses = this.seen.get(operationId) ?? new Set<number>();
    statuses.add(res.status);
    this.seen.set(operationId, statuses);
    return res;
  }
}
