/** The fake's wire shape of a contact: every field present, null when empty, as the reference shows. */
export interface FakeExternalRef {
  namespace: string;
  id: string;
}

export interface FakeEmail {
  address: string;
  type: string | null;
  isPrimary: boolean;
}

export interface FakePhone {
  number: string;
  type: string | null;
  isPrimary: boolean;
}

export interface FakeCompanyLink {
  id: string;
  uri: string | null;
  name: string;
  jobTitle: string | null;
  isPrimary: boolean;
}

export interface FakeContact {
  id: string;
  uri: string | null;
  externalRefs: FakeExternalRef[];
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  linkedInUrl: string | null;
  emails: FakeEmail[];
  phones: FakePhone[];
  primaryLanguage: string | null;
  tags: string[];
  strategy: string | null;
  primaryCompanyId: string | null;
  companies: FakeCompanyLink[];
  profilePictureUrl: string | null;
  createdUtc: string;
  updatedUtc: string;
  deletedUtc: string | null;
  etag: string;
  changeType: 'create' | 'update' | 'delete' | null;
  changeOrigin: string | null;
}

/** The fields a write may set; absent = unchanged, null = clear. Already validated. */
export interface ValidWrite {
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
  linkedInUrl?: string | null;
  emails?: { address: string; type: string | null }[] | null;
  phones?: { number: string; type: string | null }[] | null;
  primaryLanguage?: string | null;
  tags?: string[] | null;
  strategy?: string | null;
  externalRefs?: FakeExternalRef[];
}

/** What a test may seed: any writable field plus the server-owned ones. */
export interface SeedContact extends ValidWrite {
  /** Numeric string; assigned when absent. */
  id?: string;
  createdUtc?: string;
  updatedUtc?: string;
  deletedUtc?: string | null;
  changeType?: FakeContact['changeType'];
  changeOrigin?: string | null;
  companies?: FakeCompanyLink[];
  primaryCompanyId?: string | null;
  profilePictureUrl?: string | null;
}

export type FieldErrors = Record<string, string[]>;
