/**
 * The words the tenant file, the mapping file, the adapters and the engine share for how a
 * connection syncs. Each list is written once, here, as an `as const` array: the string union
 * the code uses and the zod enum the file schemas check it with both come from it, so a policy
 * added here is accepted by the config and known to the engine's types in the same change
 * (`schema.options` is the list, in order).
 */
import { z } from 'zod';

/** Which way a connection's changes flow. */
const DIRECTIONS = ['bidirectional', 'to-crm', 'from-crm'] as const;
export type Direction = (typeof DIRECTIONS)[number];
export const directionSchema = z.enum(DIRECTIONS);

/**
 * Which way one mapped field flows. A word of the mapping file, not the connection's
 * `bidirectional`: a field of any connection may be one-way, and mapping files say `both`.
 */
const FIELD_DIRECTIONS = ['both', 'to-crm', 'from-crm'] as const;
export type FieldDirection = (typeof FIELD_DIRECTIONS)[number];
export const fieldDirectionSchema = z.enum(FIELD_DIRECTIONS);

/** Who wins when a field changed on both sides since the last sync. */
const CONFLICT_POLICIES = ['propstreet-wins', 'crm-wins', 'newest-wins', 'manual'] as const;
export type ConflictPolicy = (typeof CONFLICT_POLICIES)[number];
export const conflictPolicySchema = z.enum(CONFLICT_POLICIES);

/**
 * How an unlinked record finds its partner, tried in the configured order: by the link's
 * mirrors (`externalRef`, `key`), or (opt-in) by a unique value of one of the kind's match
 * fields: `email` (contacts), `domain` and `name` (companies). A kind ignores a field rule it
 * has no such field for.
 */
const MATCH_FIELD_RULES = ['email', 'domain', 'name'] as const;
export type MatchFieldRule = (typeof MATCH_FIELD_RULES)[number];
const MATCH_RULES = ['externalRef', 'key', ...MATCH_FIELD_RULES] as const;
export type MatchRule = (typeof MATCH_RULES)[number];
export const matchRuleSchema = z.enum(MATCH_RULES);

/** What a Propstreet delete does to the linked CRM record. */
const PROPSTREET_DELETE_POLICIES = ['archive', 'delete', 'unlink', 'ignore'] as const;
export type PropstreetDeletePolicy = (typeof PROPSTREET_DELETE_POLICIES)[number];
export const propstreetDeletePolicySchema = z.enum(PROPSTREET_DELETE_POLICIES);

/** What a CRM delete does to the linked Propstreet contact (Propstreet has no archive). */
const CRM_DELETE_POLICIES = ['delete', 'unlink', 'ignore'] as const;
export type CrmDeletePolicy = (typeof CRM_DELETE_POLICIES)[number];
export const crmDeletePolicySchema = z.enum(CRM_DELETE_POLICIES);

/** A delete on one side against an edit on the other since the last sync: who wins. */
const DELETE_AGAINST_EDIT_POLICIES = ['keep-edited', 'delete'] as const;
export type DeleteAgainstEditPolicy = (typeof DELETE_AGAINST_EDIT_POLICIES)[number];
export const deleteAgainstEditPolicySchema = z.enum(DELETE_AGAINST_EDIT_POLICIES);

/** Salesforce duplicate rules with an alert: save past them, or let them fail the record. */
const DUPLICATE_RULE_MODES = ['allow', 'respect'] as const;
export const duplicateRuleModeSchema = z.enum(DUPLICATE_RULE_MODES);

/** The CRMs a connection or a mapping file can name. */
const CRM_KINDS = ['hubspot', 'salesforce'] as const;
export type CrmKind = (typeof CRM_KINDS)[number];
export const crmKindSchema = z.enum(CRM_KINDS);
