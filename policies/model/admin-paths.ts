/**
 * Well-known admin paths of web stacks: a load-balancer rule that forwards one of these from the internet
 * without an authenticate action publishes an admin console. Each entry names the product whose documentation
 * puts its console there. A stack marks its own admin routes with the tag `bulkhead:role=admin` on the listener
 * rule or on the target group behind it.
 */
export const ADMIN_PATHS: ReadonlyArray<{ path: string; what: string }> = [
  { path: "/admin", what: "generic admin consoles (Django admin, Rails admin, Laravel Nova…)" },
  { path: "/_admin", what: "generic admin consoles" },
  { path: "/administrator", what: "Joomla administrator" },
  { path: "/wp-admin", what: "WordPress dashboard" },
  { path: "/wp-login.php", what: "WordPress login" },
  { path: "/phpmyadmin", what: "phpMyAdmin" },
  { path: "/pma", what: "phpMyAdmin (common alias)" },
  { path: "/adminer", what: "Adminer database console" },
  { path: "/manager/html", what: "Apache Tomcat manager" },
  { path: "/host-manager", what: "Apache Tomcat host manager" },
  { path: "/console", what: "JBoss/WildFly, H2 and other web consoles" },
  { path: "/h2-console", what: "H2 database console" },
  { path: "/actuator", what: "Spring Boot actuator endpoints" },
  { path: "/jolokia", what: "Jolokia JMX bridge" },
  { path: "/server-status", what: "Apache mod_status" },
  { path: "/server-info", what: "Apache mod_info" },
  { path: "/nginx_status", what: "nginx stub_status" },
  { path: "/jenkins", what: "Jenkins" },
  { path: "/script", what: "Jenkins script console" },
  { path: "/_debugbar", what: "Laravel debugbar" },
  { path: "/telescope", what: "Laravel Telescope" },
  { path: "/horizon", what: "Laravel Horizon" },
  { path: "/debug", what: "framework debug endpoints" },
  { path: "/metrics", what: "Prometheus metrics" },
  { path: "/grafana", what: "Grafana" },
  { path: "/kibana", what: "Kibana" },
  { path: "/_plugin/kibana", what: "OpenSearch Dashboards" },
  { path: "/solr", what: "Apache Solr admin" },
  { path: "/rabbitmq", what: "RabbitMQ management" },
  { path: "/graphql", what: "GraphQL IDE/introspection (GraphiQL)" },
  { path: "/env", what: "Spring Boot env endpoint" },
];

/**
 * The admin path a load-balancer path pattern (`*` and `?` wildcards) reaches, or undefined. A catch-all
 * (`/*`, `*`) forwards the application itself and names no admin path: what it serves is decided by the target
 * group's tag. `/wp-admin/*`, `/admin*` and `/manager/html` do.
 */
export function adminPathMatched(pattern: string): string | undefined {
  const literal = pattern.split(/[*?]/)[0].toLowerCase();
  if (literal === "" || literal === "/") return undefined;
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
  const norm = (x: string) => x.replace(/\/+$/, "");
  for (const { path } of ADMIN_PATHS) {
    if (re.test(path) || re.test(`${path}/`)) return path;
    // Below an admin path (`/admin/users`), or a prefix pattern that covers one (`/wp-adm*`).
    if (norm(literal) === path || literal.startsWith(`${path}/`)) return path;
    if (pattern.includes("*") && literal.length >= 4 && path.startsWith(literal)) return path;
  }
  return undefined;
}
