/**
 * no-public-entry-points: public sharing attributes and unauthenticated entry points, written from AWS's
 * documentation (the page is cited on each case). Every case adds one door (or one hardened form of it) to the
 * hardened fixture and asserts the exact mandatory findings: rule, resource and kind.
 */
import { describe, expect, it } from "vitest";
import { mandatoryFindings } from "./doors-helpers";
import { hardened, Stack, UNKNOWN } from "./fixtures";

const RULE = "no-public-entry-points";

const TY = {
  ami: "aws:ec2/ami:Ami",
  amiLaunch: "aws:ec2/amiLaunchPermission:AmiLaunchPermission",
  snapshot: "aws:ebs/snapshot:Snapshot",
  snapVol: "aws:ec2/snapshotCreateVolumePermission:SnapshotCreateVolumePermission",
  rdsSnap: "aws:rds/snapshot:Snapshot",
  clusterSnap: "aws:rds/clusterSnapshot:ClusterSnapshot",
  snapCopy: "aws:rds/snapshotCopy:SnapshotCopy",
  ssmDoc: "aws:ssm/document:Document",
  ibDist: "aws:imagebuilder/distributionConfiguration:DistributionConfiguration",
  layerPerm: "aws:lambda/layerVersionPermission:LayerVersionPermission",
  fnUrl: "aws:lambda/functionUrl:FunctionUrl",
  perm: "aws:lambda/permission:Permission",
  httpApi: "aws:apigatewayv2/api:Api",
  route: "aws:apigatewayv2/route:Route",
  restApi: "aws:apigateway/restApi:RestApi",
  method: "aws:apigateway/method:Method",
  listener: "aws:lb/listener:Listener",
  rule: "aws:lb/listenerRule:ListenerRule",
  tg: "aws:lb/targetGroup:TargetGroup",
  lb: "aws:lb/loadBalancer:LoadBalancer",
  pool: "aws:cognito/identityPool:IdentityPool",
  poolRoles: "aws:cognito/identityPoolRoleAttachment:IdentityPoolRoleAttachment",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
};
const doc = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const GUEST_TRUST = doc({ Effect: "Allow", Principal: { Federated: "cognito-identity.amazonaws.com" }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "unauthenticated" } } });

/** An internet-facing ALB's HTTPS listener (web-alb of the fixture) and a target group. */
function withListener(s: Stack, tgTags?: Record<string, string>): Stack {
  s.add(TY.tg, "app-tg", { port: 8080, protocol: "HTTP", targetType: "instance", vpcId: UNKNOWN, ...(tgTags ? { tags: tgTags } : {}) }, { vpcId: ["main-vpc"] });
  s.add(TY.listener, "web-https", { loadBalancerArn: UNKNOWN, port: 443, protocol: "HTTPS", defaultActions: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404" } }] }, { loadBalancerArn: ["web-alb"] });
  return s;
}
const forwardRule = (s: Stack, name: string, conditions: object[], actions: object[] = [{ type: "forward", targetGroupArn: UNKNOWN }], listener = "web-https") =>
  s.add(TY.rule, name, { listenerArn: UNKNOWN, priority: 10, conditions, actions }, { listenerArn: [listener], actions: ["app-tg"] });
/** An identity pool, a guest role with the given statements, and the pool's role attachment. */
function guestPool(s: Stack, allowGuests: boolean, statements: object[], managed?: string[]): Stack {
  s.add(TY.pool, "app-identities", { identityPoolName: "app", allowUnauthenticatedIdentities: allowGuests });
  s.add(TY.role, "guest-role", { assumeRolePolicy: GUEST_TRUST, ...(managed ? { managedPolicyArns: managed } : {}) });
  if (statements.length) s.add(TY.rolePolicy, "guest-policy", { role: UNKNOWN, policy: doc(...statements) }, { role: ["guest-role"] });
  s.add(TY.role, "member-role", { assumeRolePolicy: GUEST_TRUST });
  s.add(TY.poolRoles, "app-identities-roles", { identityPoolId: UNKNOWN, roles: { authenticated: UNKNOWN, unauthenticated: UNKNOWN } }, { identityPoolId: ["app-identities"], roles: ["member-role", "guest-role"] });
  return s;
}

type Case = [name: string, build: (s: Stack) => void, expected: string[]];

const insecure: Case[] = [
  [
    "AMI launch permission for group all: every account can launch it (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/sharingamis-intro.html)",
    (s) => {
      s.add(TY.ami, "golden-ami", { name: "golden", virtualizationType: "hvm" });
      s.add(TY.amiLaunch, "golden-ami-public", { imageId: UNKNOWN, group: "all" }, { imageId: ["golden-ami"] });
    },
    [`${RULE} golden-ami-public public-ami`],
  ],
  [
    "Image Builder distribution with launchPermission userGroups all (https://docs.aws.amazon.com/imagebuilder/latest/userguide/manage-distribution-settings.html)",
    (s) => s.add(TY.ibDist, "base-image-dist", { name: "base", distributions: [{ region: "eu-west-1", amiDistributionConfiguration: { launchPermission: { userGroups: ["all"] } } }] }),
    [`${RULE} base-image-dist public-ami`],
  ],
  [
    "EBS snapshot create-volume permission for all (https://docs.aws.amazon.com/ebs/latest/userguide/ebs-modifying-snapshot-permissions.html)",
    (s) => {
      s.add(TY.snapshot, "db-disk-snap", { volumeId: "vol-0abc" });
      s.add(TY.snapVol, "db-disk-snap-share", { snapshotId: UNKNOWN, accountId: "all" }, { snapshotId: ["db-disk-snap"] });
    },
    [`${RULE} db-disk-snap-share public-ebs-snapshot`],
  ],
  [
    "Aurora cluster snapshot shared with all (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-share-snapshot.html)",
    (s) => s.add(TY.clusterSnap, "orders-final", { dbClusterIdentifier: "orders", dbClusterSnapshotIdentifier: "orders-final", sharedAccounts: ["all"] }),
    [`${RULE} orders-final public-db-snapshot`],
  ],
  [
    "RDS snapshot copy shared with a partner AND all (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ShareSnapshot.html)",
    (s) => s.add(TY.snapCopy, "crm-copy", { sourceDbSnapshotIdentifier: "crm", targetDbSnapshotIdentifier: "crm-copy", sharedAccounts: ["111122223333", "all"] }),
    [`${RULE} crm-copy public-db-snapshot`],
  ],
  [
    "SSM document shared with All accounts (https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-ssm-sharing.html)",
    (s) => s.add(TY.ssmDoc, "bootstrap-doc", { name: "bootstrap", documentType: "Command", content: "{}", permissions: { type: "Share", accountIds: "All" } }),
    [`${RULE} bootstrap-doc public-ssm-document`],
  ],
  [
    "function URL with auth type NONE (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html)",
    (s) => s.add(TY.fnUrl, "acme-fn-url", { functionName: UNKNOWN, authorizationType: "NONE" }, { functionName: ["acme-fn"] }),
    [`${RULE} acme-fn-url unauthenticated-function-url`],
  ],
  [
    "lambda.Permission for sns.amazonaws.com with only a wildcard sourceArn (https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html)",
    (s) => s.add(TY.perm, "acme-fn-from-sns", { function: UNKNOWN, action: "lambda:InvokeFunction", principal: "sns.amazonaws.com", sourceArn: "arn:aws:sns:*:*:*" }, { function: ["acme-fn"] }),
    [`${RULE} acme-fn-from-sns unpinned-service-permission`],
  ],
  [
    "lambda.Permission for s3.amazonaws.com without sourceArn/sourceAccount: any account's bucket can invoke (https://docs.aws.amazon.com/lambda/latest/dg/with-s3.html)",
    (s) => s.add(TY.perm, "acme-fn-from-s3", { function: UNKNOWN, action: "lambda:InvokeFunction", principal: "s3.amazonaws.com" }, { function: ["acme-fn"] }),
    [`${RULE} acme-fn-from-s3 unpinned-service-permission`],
  ],
  [
    "lambda.Permission for events.amazonaws.com with no source: any account's EventBridge rule can invoke (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html)",
    (s) => s.add(TY.perm, "acme-fn-from-events", { function: "acme-fn", action: "lambda:InvokeFunction", principal: "events.amazonaws.com" }),
    [`${RULE} acme-fn-from-events unpinned-service-permission`],
  ],
  [
    "HTTP API catch-all route with no authorization type (default NONE) (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control.html)",
    (s) => {
      s.add(TY.httpApi, "orders-api", { protocolType: "HTTP" });
      s.add(TY.route, "orders-proxy", { apiId: UNKNOWN, routeKey: "ANY /{proxy+}", target: "integrations/abc" }, { apiId: ["orders-api"] });
    },
    [`${RULE} orders-proxy unauthenticated-api-route`],
  ],
  [
    "WebSocket API whose $connect route is NONE (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-control-access.html)",
    (s) => {
      s.add(TY.httpApi, "chat-api", { protocolType: "WEBSOCKET", routeSelectionExpression: "$request.body.action" });
      s.add(TY.route, "chat-connect", { apiId: UNKNOWN, routeKey: "$connect", authorizationType: "NONE" }, { apiId: ["chat-api"] });
    },
    [`${RULE} chat-connect unauthenticated-api-route`],
  ],
  [
    "REST API method with authorization NONE on a regional API (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-to-api.html)",
    (s) => {
      s.add(TY.restApi, "billing-rest", { name: "billing", endpointConfiguration: { types: "REGIONAL" } });
      s.add(TY.method, "billing-post", { restApi: UNKNOWN, resourceId: UNKNOWN, httpMethod: "POST", authorization: "NONE" }, { restApi: ["billing-rest"] });
    },
    [`${RULE} billing-post unauthenticated-api-method`],
  ],
  [
    "ALB rule forwarding /phpmyadmin/* with no authenticate action (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html)",
    (s) => {
      withListener(s);
      forwardRule(s, "pma-rule", [{ pathPattern: { values: ["/phpmyadmin/*"] } }]);
    },
    [`${RULE} pma-rule unauthenticated-admin-path`],
  ],
  [
    "ALB rule forwarding /manager/html next to a host-header condition (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html)",
    (s) => {
      withListener(s);
      forwardRule(s, "tomcat-manager", [{ hostHeader: { values: ["app.example.com"] } }, { pathPattern: { values: ["/manager/html"] } }], [{ type: "forward", forward: { targetGroups: [{ arn: UNKNOWN, weight: 1 }] } }]);
    },
    [`${RULE} tomcat-manager unauthenticated-admin-path`],
  ],
  [
    "listener default action forwarding to a target group tagged bulkhead:role=admin (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html)",
    (s) => {
      withListener(s, { "bulkhead:role": "admin" });
      s.set("web-https", { defaultActions: [{ type: "forward", targetGroupArn: UNKNOWN }] }, { loadBalancerArn: ["web-alb"], defaultActions: ["app-tg"] });
    },
    [`${RULE} web-https unauthenticated-admin-target`],
  ],
  [
    "identity pool with guests whose role may read S3 (https://docs.aws.amazon.com/cognito/latest/developerguide/iam-roles.html)",
    (s) => guestPool(s, true, [{ Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket"], Resource: "*" }]),
    [`${RULE} app-identities guest-data-rights`, `${RULE} guest-policy guest-data-grant`],
  ],
  [
    "identity pool with guests whose role carries an AWS-managed DynamoDB policy (https://docs.aws.amazon.com/cognito/latest/developerguide/role-based-access-control.html)",
    (s) => guestPool(s, true, [], ["arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess"]),
    [`${RULE} app-identities guest-data-rights`, `${RULE} guest-role guest-data-grant`],
  ],
];

const hardenedCases: Case[] = [
  ["AMI shared with one named account (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/sharingamis-explicit.html)", (s) => {
    s.add(TY.ami, "golden-ami", { name: "golden" });
    s.add(TY.amiLaunch, "golden-ami-partner", { imageId: UNKNOWN, accountId: "111122223333" }, { imageId: ["golden-ami"] });
  }, []],
  ["AMI shared with the organisation (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/share-amis-with-organizations-and-OUs.html)", (s) =>
    s.add(TY.amiLaunch, "golden-ami-org", { imageId: "ami-0abc", organizationArn: "arn:aws:organizations::111122223333:organization/o-abc" }), []],
  ["EBS snapshot shared with one account (https://docs.aws.amazon.com/ebs/latest/userguide/ebs-modifying-snapshot-permissions.html)", (s) =>
    s.add(TY.snapVol, "snap-dr", { snapshotId: "snap-0abc", accountId: "444455556666" }), []],
  ["RDS snapshot shared with the DR account only (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ShareSnapshot.html)", (s) =>
    s.add(TY.rdsSnap, "crm-dr", { dbInstanceIdentifier: "crm", dbSnapshotIdentifier: "crm-dr", sharedAccounts: ["444455556666"] }), []],
  ["function URL with AWS_IAM auth (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html#urls-auth-iam)", (s) =>
    s.add(TY.fnUrl, "acme-fn-url", { functionName: UNKNOWN, authorizationType: "AWS_IAM" }, { functionName: ["acme-fn"] }), []],
  ["API Gateway permission pinned by sourceArn from the API's execution ARN (https://docs.aws.amazon.com/apigateway/latest/developerguide/permissions.html)", (s) => {
    s.add(TY.httpApi, "orders-api", { protocolType: "HTTP" });
    s.add(TY.perm, "acme-fn-from-api", { function: UNKNOWN, action: "lambda:InvokeFunction", principal: "apigateway.amazonaws.com", sourceArn: UNKNOWN }, { function: ["acme-fn"], sourceArn: ["orders-api"] });
  }, []],
  ["S3 permission pinned by sourceArn and sourceAccount (https://docs.aws.amazon.com/lambda/latest/dg/with-s3.html)", (s) =>
    s.add(TY.perm, "acme-fn-from-s3", { function: "acme-fn", action: "lambda:InvokeFunction", principal: "s3.amazonaws.com", sourceArn: "arn:aws:s3:::acme-uploads", sourceAccount: "123456789012" }), []],
  ["principal * pinned to the organisation with principalOrgId (https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-cross-account.html)", (s) =>
    s.add(TY.perm, "acme-fn-org", { function: "acme-fn", action: "lambda:InvokeFunction", principal: "*", principalOrgId: "o-a1b2c3d4e5" }), []],
  ["a named partner account may invoke (https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-cross-account.html)", (s) =>
    s.add(TY.perm, "acme-fn-partner", { function: "acme-fn", action: "lambda:InvokeFunction", principal: "111122223333" }), []],
  ["HTTP API route with a JWT authorizer; the CORS preflight route stays open (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html)", (s) => {
    s.add(TY.httpApi, "orders-api", { protocolType: "HTTP" });
    s.add(TY.route, "orders-get", { apiId: UNKNOWN, routeKey: "GET /orders", authorizationType: "JWT", authorizerId: UNKNOWN }, { apiId: ["orders-api"] });
    s.add(TY.route, "orders-preflight", { apiId: UNKNOWN, routeKey: "OPTIONS /orders" }, { apiId: ["orders-api"] });
  }, []],
  ["WebSocket: $connect uses IAM, message routes carry no authorization of their own (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-control-access.html)", (s) => {
    s.add(TY.httpApi, "chat-api", { protocolType: "WEBSOCKET" });
    s.add(TY.route, "chat-connect", { apiId: UNKNOWN, routeKey: "$connect", authorizationType: "AWS_IAM" }, { apiId: ["chat-api"] });
    s.add(TY.route, "chat-send", { apiId: UNKNOWN, routeKey: "sendmessage", authorizationType: "NONE" }, { apiId: ["chat-api"] });
  }, []],
  ["REST method NONE on a PRIVATE API, and a method requiring an API key (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-apis.html)", (s) => {
    s.add(TY.restApi, "internal-rest", { name: "internal", endpointConfiguration: { types: "PRIVATE", vpcEndpointIds: ["vpce-0abc"] } });
    s.add(TY.method, "internal-get", { restApi: UNKNOWN, resourceId: UNKNOWN, httpMethod: "GET", authorization: "NONE" }, { restApi: ["internal-rest"] });
    s.add(TY.restApi, "partner-rest", { name: "partner" });
    s.add(TY.method, "partner-get", { restApi: UNKNOWN, resourceId: UNKNOWN, httpMethod: "GET", authorization: "NONE", apiKeyRequired: true }, { restApi: ["partner-rest"] });
  }, []],
  ["/admin/* behind authenticate-oidc, then forward (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html)", (s) => {
    withListener(s);
    forwardRule(s, "admin-rule", [{ pathPattern: { values: ["/admin/*"] } }], [
      { type: "authenticate-oidc", order: 1, authenticateOidc: { issuer: "https://login.example.com", clientId: "x", clientSecret: UNKNOWN, authorizationEndpoint: "https://login.example.com/auth", tokenEndpoint: "https://login.example.com/token", userInfoEndpoint: "https://login.example.com/me" } },
      { type: "forward", order: 2, targetGroupArn: UNKNOWN },
    ]);
  }, []],
  ["/wp-admin/* only from the office range (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html#source-ip-conditions)", (s) => {
    withListener(s);
    forwardRule(s, "wp-admin-office", [{ pathPattern: { values: ["/wp-admin/*"] } }, { sourceIp: { values: ["203.0.113.0/24"] } }]);
  }, []],
  ["catch-all /* forwarding the app is not an admin path", (s) => {
    withListener(s);
    forwardRule(s, "app-rule", [{ pathPattern: { values: ["/*"] } }]);
  }, []],
  ["/admin on an internal ALB (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#load-balancer-scheme)", (s) => {
    s.add(TY.lb, "ops-alb", { loadBalancerType: "application", internal: true, securityGroups: [UNKNOWN], subnets: [UNKNOWN] }, { securityGroups: ["acme-app-sg"], subnets: ["acme-app-a"] });
    withListener(s);
    s.set("web-https", {}, { loadBalancerArn: ["ops-alb"] });
    forwardRule(s, "ops-admin", [{ pathPattern: { values: ["/admin"] } }]);
  }, []],
  ["guest role with CloudWatch RUM only (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-RUM-get-started-authorization.html)", (s) =>
    guestPool(s, true, [{ Effect: "Allow", Action: "rum:PutRumEvents", Resource: "arn:aws:rum:eu-west-1:123456789012:appmonitor/web" }]), []],
  ["no guests: the unauthenticated role is never handed out (https://docs.aws.amazon.com/cognito/latest/developerguide/identity-pools.html)", (s) =>
    guestPool(s, false, [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }]), []],
];

describe(`${RULE}: insecure programs are blocked on the resource to fix`, () => {
  it.each(insecure)("%s", (_name, build, expected) => {
    const s = hardened();
    build(s);
    expect(mandatoryFindings(s, [RULE])).toEqual([...expected].sort());
  });
});

describe(`${RULE}: hardened programs pass`, () => {
  it.each(hardenedCases)("%s", (_name, build, expected) => {
    const s = hardened();
    build(s);
    expect(mandatoryFindings(s, [RULE])).toEqual(expected);
  });
});

describe(`${RULE}: unknowns fail closed only where the value decides`, () => {
  it("a function URL whose authorizationType is unknown at preview", () => {
    const s = hardened();
    s.add(TY.fnUrl, "acme-fn-url", { functionName: "acme-fn", authorizationType: UNKNOWN });
    expect(mandatoryFindings(s)).toEqual([`${RULE} acme-fn-url cannot-verify`]);
  });
  it("a permission whose principal is a role ARN of the stack is a named principal", () => {
    const s = hardened();
    s.add(TY.perm, "acme-fn-from-role", { function: "acme-fn", action: "lambda:InvokeFunction", principal: UNKNOWN }, { principal: ["acme-app-role"] });
    expect(mandatoryFindings(s, [RULE])).toEqual([]);
  });
});
