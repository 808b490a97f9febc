/**
 * What a credential looks like by its name and by its shape, independent of any resource: the name rules the
 * credential rule and the provider scan (scripts/provider-scan.ts) share, URL shapes with embedded passwords, and
 * values that point at a secret instead of being one. Value detection by the maintained secretlint rule set lives
 * in secrets-detector.ts (loaded lazily).
 */

/**
 * A name names a credential when its last word is one (DB_PASSWORD, stripeApiKey, GITHUB_TOKEN,
 * AWS_SECRET_ACCESS_KEY), not when a credential word only qualifies something else
 * (SECRETS_MANAGER_ENDPOINT, PASSWORD_LENGTH, TOKEN_TTL_SECONDS, DB_PASSWORD_FILE).
 */
const CREDENTIAL_ENDINGS = [
  ["password"], ["passwd"], ["pwd"], ["pass"], ["passphrase"], ["secret"], ["token"], ["credential"], ["credentials"],
  ["apikey"], ["api", "key"], ["private", "key"], ["secret", "key"], ["access", "key"], ["signing", "key"],
  ["client", "secret"], ["connection", "string"], ["dsn"], ["auth", "key"], ["master", "key"],
  ["app", "key"], ["salt"], ["preshared", "key"], ["shared", "key"], ["session", "key"], ["license", "key"],
];

/**
 * Names frameworks and clients read a credential from although their last word is not a credential word, or where
 * the whole name is one word: PostgreSQL's libpq (PGPASSWORD), MySQL's client (MYSQL_PWD), Rails, Django, Laravel,
 * WordPress's salts, the official database images' *_PASSWORD variables are covered by the endings.
 */
const CREDENTIAL_NAMES = new Set([
  "pgpassword", "pgpassfile_content", "mysql_pwd", "secret_key_base", "rails_master_key", "django_secret_key",
  "app_key", "jwt_secret", "session_secret", "cookie_secret", "nextauth_secret", "auth_secret", "flask_secret_key",
  "htpasswd", "netrc", "npm_token", "pypi_token", "sentry_auth_token",
  "twine_password", "docker_password", "registry_password", "vault_token", "consul_http_token", "github_pat",
  "auth_key", "secure_auth_key", "logged_in_key", "nonce_key", "auth_salt", "secure_auth_salt", "logged_in_salt",
  "nonce_salt", "wordpress_auth_key", "wordpress_secure_auth_key", "wordpress_logged_in_key", "wordpress_nonce_key",
]);

/** Names ending in a credential word that hold something else: where the credential is, or how it is shaped. */
const NOT_CREDENTIAL_ENDINGS = new Set(["file", "path", "arn", "id", "name", "length", "ttl", "seconds", "minutes", "hours", "days", "enabled", "policy", "rotation", "endpoint", "url", "uri", "version", "type", "format", "param", "parameter", "ref", "reference", "prefix"]);

export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** True when a variable, tag or input name says it holds a credential (see CREDENTIAL_ENDINGS / CREDENTIAL_NAMES). */
const namesCache = new Map<string, boolean>();

export function namesCredential(name: string): boolean {
  let hit = namesCache.get(name);
  if (hit === undefined) {
    hit = judgeName(name);
    if (namesCache.size > 10_000) namesCache.clear();
    namesCache.set(name, hit);
  }
  return hit;
}

function judgeName(name: string): boolean {
  const w = words(name);
  if (!w.length) return false;
  if (CREDENTIAL_NAMES.has(w.join("_"))) return true;
  if (NOT_CREDENTIAL_ENDINGS.has(w[w.length - 1])) return false;
  return CREDENTIAL_ENDINGS.some((end) => end.length <= w.length && end.every((e, i) => w[w.length - end.length + i] === e));
}

/**
 * A URL whose user info carries a password (postgres://app:hunter2@db/app, mongodb+srv://u:p@cluster/,
 * redis://:token@cache:6379, amqp://guest:guest@mq) is a credential whatever its name. The password part must not
 * be a template placeholder (${DB_PASSWORD}, {{password}}, %s, <password>): those are filled in at run time.
 */
const URL_WITH_PASSWORD = /\b([a-z][a-z0-9+.-]*):\/\/([^/\s:@"']*):([^/\s@"']+)@[^\s"']/gi;
// Also JSONPath / JSONata that Step Functions resolves at run time (`$$.Task.Token`, `$.password`, `{% $token %}`).
const PLACEHOLDER = /^(\$\{?[\w.-]+\}?|\{\{.*\}\}|%[sd]|<[^>]+>|\*+|x+|\$\(\w+\)|\$\$?(\.[\w$-]+|\[[^\]]*\])+|\{%.*%\})$/i;

/** The first URL in `text` with a real (non-placeholder) password in its user info, with its scheme. */
export function urlWithPassword(text: string): { scheme: string; match: string } | undefined {
  if (!text.includes("://") || !text.includes("@")) return undefined;
  for (const m of text.matchAll(URL_WITH_PASSWORD)) {
    const password = m[3];
    if (PLACEHOLDER.test(password) || PLACEHOLDER.test(decodeURIComponentSafe(password))) continue;
    return { scheme: m[1].toLowerCase(), match: m[0] };
  }
  return undefined;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Values that cannot be a credential: empty, numbers, booleans, plain URLs without user info, placeholders. */
export function trivialValue(v: string): boolean {
  const s = v.trim();
  return s === "" || /^(-?\d+(\.\d+)?|true|false|yes|no|on|off|null|none)$/i.test(s) || (/^[a-z][a-z0-9+.-]*:\/\/[^@\s]*$/i.test(s)) || PLACEHOLDER.test(s);
}

/**
 * Values that point at a secret instead of being one: Secrets Manager and SSM parameter ARNs (any parameter type:
 * ECS and Batch resolve `valueFrom` at launch; a String parameter is a reference too), KMS ARNs, CloudFormation
 * dynamic references, and SSM parameter names by path (`/prod/db/password`).
 */
export function isReference(v: string): boolean {
  return /^arn:aws[a-z-]*:(secretsmanager|ssm|kms):/.test(v) || /^\{\{resolve:(secretsmanager|ssm|ssm-secure):/.test(v) || /^\/[\w.-]+(\/[\w.-]+)+$/.test(v);
}

/**
 * Passwords given on a command line, where no `NAME=value` assignment names them: the MySQL/MariaDB clients'
 * attached `-p<password>` (https://dev.mysql.com/doc/refman/8.0/en/connecting.html), `redis-cli -a <password>`,
 * `sshpass -p <password>`, `docker login -p <password>`, `--password=<password>` of any tool and `curl -u user:password`; and a libpq password
 * file line `host:port:database:user:password` written to `.pgpass`
 * (https://www.postgresql.org/docs/current/libpq-pgpass.html). A value read at run time (`$VAR`, `"$(…)"`) is not one.
 */
const CLI_PASSWORDS: [tool: string, re: RegExp][] = [
  ["mysql -p", /\b(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlsh|mariadb|mariadb-dump|mariadb-admin)\b[^\n;&|]*?\s-p(?!\s)("[^"\n]*"|'[^'\n]*'|[^\s;&|]+)/g],
  ["redis-cli -a", /\bredis-cli\b[^\n;&|]*?\s-a\s+("[^"\n]*"|'[^'\n]*'|[^\s;&|]+)/g],
  ["sshpass -p", /\bsshpass\s+-p\s*("[^"\n]*"|'[^'\n]*'|[^\s;&|]+)/g],
  // `--password value` only where the tool takes a value (psql's --password takes none); `--…password=value` always.
  ["--password=", /\s--(?:[a-z]+-)?password=("[^"\n]*"|'[^'\n]*'|[^\s;&|]+)/g],
  ["docker login -p", /\bdocker\s+login\b[^\n;&|]*?\s(?:-p|--password)\s+("[^"\n]*"|'[^'\n]*'|[^\s;&|-][^\s;&|]*)/g],
  ["curl -u", /\bcurl\b[^\n;&|]*?\s(?:-u|--user)\s+["']?[^:\s"']+:([^\s"'@;&|]+)/g],
];
const PGPASS_LINE = /(?:^|[\s'"])[\w.*-]+:(?:\d+|\*):[\w.*-]+:[\w.*-]+:([^\s'"]+)/m;

/** The tools whose command lines in `text` carry a literal password (empty when none). */
export function commandLinePasswords(text: string): string[] {
  const out = new Set<string>();
  const literal = (v: string) => {
    const s = v.replace(/^["']|["']$/g, "");
    return !s.startsWith("$") && !trivialValue(s) && !isReference(s);
  };
  for (const [tool, re] of CLI_PASSWORDS) {
    for (const m of text.matchAll(re)) if (literal(m[1])) out.add(tool);
  }
  const pg = text.includes(".pgpass") ? PGPASS_LINE.exec(text) : null;
  if (pg && literal(pg[1])) out.add(".pgpass line");
  return [...out];
}
