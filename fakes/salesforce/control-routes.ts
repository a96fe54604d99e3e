/**
 * `/__control/…`: the control API over HTTP (for `propsync demo` and out-of-process tests).
 * JSON in and out, no authentication, never counted against the API limit. Record routes act on
 * Contact unless the body (or, for GET, the query) says `sObject: 'Account'` (or
 * `'AccountContactRelation'` in an org with Contacts to Multiple Accounts).
 */
import type { FaultRule } from '../shared/faults.js';
import type { FakeRequest, FakeResponse, HttpFake } from '../shared/http-fake.js';
import type { SalesforceFakeControl, SeedContact, SObjectControl } from './fake-control.js';
import { json } from './fake-org.js';
import type { RejectionRule } from './sobject-store.js';

type Body = Record<string, unknown>;

function objectOf(control: SalesforceFakeControl, req: FakeRequest, body: Body): SObjectControl {
  const named = typeof body.sObject === 'string' ? body.sObject : req.query.get('sObject');
  if (named === null || named === undefined || named.toLowerCase() === 'contact') return control;
  if (named.toLowerCase() === 'account') return control.accounts;
  const relations = control.accountContactRelations;
  if (named.toLowerCase() === 'accountcontactrelation' && relations) return relations;
  throw new Error(`the fake holds Contact and Account, not ${named}`);
}

export function controlRoute(
  control: SalesforceFakeControl,
  http: () => HttpFake,
  req: FakeRequest,
): FakeResponse {
  const body = (req.body ?? {}) as Body;
  const as = typeof body.as === 'string' ? { as: body.as } : {};
  const route = `${req.method} ${req.path.replace(/\/$/, '')}`;
  try {
    const records = objectOf(control, req, body);
    switch (route) {
      case 'GET /__control/state':
        return json(200, {
          apiUsage: control.apiUsage(),
          contacts: control.count(),
          all: control.count({ includeDeleted: true }),
          accounts: control.accounts.count(),
          allAccounts: control.accounts.count({ includeDeleted: true }),
        });
      case 'POST /__control/seed':
        if (typeof body.generate === 'number') {
          const prefix = typeof body.prefix === 'string' ? { prefix: body.prefix } : {};
          return json(200, { ids: records.generate(body.generate, { ...prefix, ...as }) });
        }
        return json(200, { ids: records.seed((body.records ?? []) as SeedContact[], as) });
      case 'POST /__control/create':
        return json(200, { id: records.create((body.fields ?? {}) as Body, as) });
      case 'POST /__control/edit':
        records.edit(String(body.id), (body.fields ?? {}) as Body, as);
        return json(200, records.get(String(body.id)));
      case 'POST /__control/delete':
        records.remove(String(body.id), as);
        return json(200, { ok: true });
      case 'POST /__control/merge':
        records.merge(
          String(body.winnerId),
          Array.isArray(body.loserIds) ? body.loserIds.map(String) : String(body.loserId),
          as,
        );
        return json(200, { ok: true });
      case 'POST /__control/clock':
        if (body.real === true) control.useRealClock();
        if (body.at !== undefined) control.setClock(body.at as string | number);
        if (typeof body.advanceMs === 'number') control.advanceClock(body.advanceMs);
        return json(200, { ok: true });
      case 'GET /__control/dump':
        return json(200, records.dump({ includeDeleted: req.query.get('deleted') === '1' }));
      case 'POST /__control/faults':
        http().faults.add(body.rule as FaultRule);
        return json(200, { ok: true });
      case 'DELETE /__control/faults':
        http().faults.clear();
        return json(200, { ok: true });
      case 'POST /__control/reject':
        records.reject(body.rule as RejectionRule);
        return json(200, { ok: true });
      case 'DELETE /__control/reject':
        records.clearRejections();
        return json(200, { ok: true });
      case 'POST /__control/duplicate-rule':
        records.setDuplicateRule(
          body.enabled === true,
          body.onEdit === 'alert' || body.onEdit === 'report' ? { onEdit: body.onEdit } : {},
        );
        return json(200, { ok: true });
      case 'POST /__control/case':
        return json(200, {
          caseNumber: control.attachCase(
            String(body.contactId),
            ...(typeof body.caseNumber === 'string' ? [body.caseNumber] : []),
          ),
        });
      case 'DELETE /__control/case':
        control.detachCases(String(body.contactId));
        return json(200, { ok: true });
      case 'POST /__control/expire-token':
        control.expireToken();
        return json(200, { ok: true });
      case 'POST /__control/revoke-refresh-token':
        control.revokeRefreshToken();
        return json(200, { ok: true });
      case 'POST /__control/limits':
        control.setApiUsage({
          ...(typeof body.used === 'number' ? { used: body.used } : {}),
          ...(typeof body.limit === 'number' ? { limit: body.limit } : {}),
        });
        return json(200, control.apiUsage());
      case 'GET /__control/requests':
        return json(200, http().requests);
      default:
        return json(404, { message: `no control route ${route}` });
    }
  } catch (e) {
    return json(400, { message: (e as Error).message });
  }
}
