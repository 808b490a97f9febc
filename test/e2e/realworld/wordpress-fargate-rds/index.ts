// Reproduces the shape of pulumi/examples aws-ts-wordpress-fargate-rds
// (https://github.com/pulumi/examples/tree/master/aws-ts-wordpress-fargate-rds), its network, backend, frontend
// and index modules folded into this file as three component resources: a VPC with two public subnets and two
// security groups (MySQL open to 0.0.0.0/0 on 3306, the front end open on 80 and 443), a MySQL RDS instance that
// is not publicly accessible, and an ALB with its target group, listener, ECS cluster and task role. Written for
// bulkhead, not copied: same component types, resource names, config keys and exports.
// Offline adaptation: the stored frontend module stops after the task role, so the ECS task definition and
// service that follow it in the example are not reproduced.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

const ANYWHERE = "0.0.0.0/0";
const allOut = [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: [ANYWHERE] }];
const tcpFromAnywhere = (port: number, description: string) => ({
  protocol: "tcp", fromPort: port, toPort: port, cidrBlocks: [ANYWHERE], description,
});

interface NetworkArgs {
  /** The VPC's range; default 10.100.0.0/16 (the subnets are carved out of 10.100.x.0/24). */
  cidrBlock?: string;
}

/** VPC, internet route, two public subnets (public IPs on launch) and the database and front-end groups. */
class Network extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly subnetIds: pulumi.Output<string>[];
  readonly rdsSecurityGroupIds: pulumi.Output<string>[];
  readonly feSecurityGroupIds: pulumi.Output<string>[];

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("custom:resource:VPC", name, args, opts);
    const child = { parent: this };
    const named = (suffix: string) => ({ Name: `${name}-${suffix}` });

    const vpc = new aws.ec2.Vpc(`${name}-vpc`, {
      cidrBlock: args.cidrBlock ?? "10.100.0.0/16",
      instanceTenancy: "default",
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: named("vpc"),
    }, child);
    const gateway = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: named("igw") }, child);
    const publicRoutes = new aws.ec2.RouteTable(`${name}-rt`, {
      vpcId: vpc.id,
      routes: [{ cidrBlock: ANYWHERE, gatewayId: gateway.id }],
      tags: named("rt"),
    }, child);

    const zones = aws.getAvailabilityZones({ state: "available" });
    this.subnetIds = [0, 1].map((i) => {
      const subnet = new aws.ec2.Subnet(`${name}-subnet-${i}`, {
        vpcId: vpc.id,
        cidrBlock: `10.100.${i}.0/24`,
        availabilityZoneId: zones.then((z) => z.zoneIds[i]),
        mapPublicIpOnLaunch: true,
        assignIpv6AddressOnCreation: false,
        tags: named(`subnet-${i}`),
      }, child);
      new aws.ec2.RouteTableAssociation(`vpc-route-table-assoc-${i}`, { subnetId: subnet.id, routeTableId: publicRoutes.id }, child);
      return subnet.id;
    });

    // MySQL's port is open to any address; only the instance's publiclyAccessible: false keeps it off the internet.
    const dbGroup = new aws.ec2.SecurityGroup(`${name}-rds-sg`, {
      vpcId: vpc.id,
      description: "Allow client access",
      ingress: [tcpFromAnywhere(3306, "Allow RDS access")],
      egress: allOut,
      tags: named("rds-sg"),
    }, child);
    const webGroup = new aws.ec2.SecurityGroup(`${name}-fe-sg`, {
      vpcId: vpc.id,
      description: "Allows all HTTP(s) traffic.",
      ingress: [tcpFromAnywhere(443, "Allow https"), tcpFromAnywhere(80, "Allow http")],
      egress: allOut,
      tags: named("fe-sg"),
    }, child);

    this.vpcId = vpc.id;
    this.rdsSecurityGroupIds = [dbGroup.id];
    this.feSecurityGroupIds = [webGroup.id];
    this.registerOutputs({});
  }
}

interface DatabaseArgs {
  dbName: string;
  dbUser: string;
  dbPassword: pulumi.Output<string>;
  subnetIds: pulumi.Output<string>[];
  securityGroupIds: pulumi.Output<string>[];
}

/** A small MySQL 5.7 instance in the given subnets. */
class Database extends pulumi.ComponentResource {
  readonly dbAddress: pulumi.Output<string>;

  constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("custom:resource:DB", name, args, opts);
    const subnets = new aws.rds.SubnetGroup(`${name}-sng`, { subnetIds: args.subnetIds, tags: { Name: `${name}-sng` } }, { parent: this });
    const mysql = new aws.rds.Instance(`${name}-rds`, {
      engine: "mysql",
      engineVersion: "5.7",
      instanceClass: "db.t2.micro",
      allocatedStorage: 20,
      storageType: "gp2",
      dbName: args.dbName,
      username: args.dbUser,
      password: args.dbPassword,
      dbSubnetGroupName: subnets.name,
      vpcSecurityGroupIds: args.securityGroupIds,
      publiclyAccessible: false,
      skipFinalSnapshot: true,
    }, { parent: this });
    this.dbAddress = mysql.address;
    this.registerOutputs({});
  }
}

interface FrontEndArgs {
  vpcId: pulumi.Output<string>;
  subnetIds: pulumi.Output<string>[];
  securityGroupIds: pulumi.Output<string>[];
}

/** The ALB forwarding HTTP to an IP target group, an ECS cluster and the tasks' role. */
class FrontEnd extends pulumi.ComponentResource {
  readonly dnsName: pulumi.Output<string>;

  constructor(name: string, args: FrontEndArgs, opts?: pulumi.ComponentResourceOptions) {
    super("custom:resource:WebService", name, args, opts);
    const child = { parent: this };

    new aws.ecs.Cluster(`${name}-ecs`, {}, child);
    const alb = new aws.lb.LoadBalancer(`${name}-alb`, { subnets: args.subnetIds, securityGroups: args.securityGroupIds }, child);
    const targets = new aws.lb.TargetGroup(`${name}-app-tg`, {
      vpcId: args.vpcId,
      targetType: "ip",
      protocol: "HTTP",
      port: 80,
      healthCheck: { protocol: "HTTP", matcher: "200-399", interval: 5, timeout: 4, healthyThreshold: 2 },
    }, child);
    new aws.lb.Listener(`${name}-listener`, {
      loadBalancerArn: alb.arn,
      port: 80,
      defaultActions: [{ type: "forward", targetGroupArn: targets.arn }],
    }, child);

    const taskRole = new aws.iam.Role(`${name}-task-role`, {
      assumeRolePolicy: JSON.stringify({
        Version: "2008-10-17",
        Statement: [{ Sid: "", Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    }, child);
    new aws.iam.RolePolicyAttachment(`${name}-task-policy`, {
      role: taskRole.name,
      policyArn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
    }, child);

    this.dnsName = alb.dnsName;
    this.registerOutputs({});
  }
}

const settings = new pulumi.Config();
const stem = settings.get("serviceName") || "wp-fargate-rds";
const dbName = settings.get("dbName") || "wordpress";
const dbUser = settings.get("dbUser") || "admin";
// Without a configured password one is generated (kept in state, never typed in).
const dbPassword =
  settings.getSecret("dbPassword") ??
  new random.RandomPassword("dbPassword", { length: 16, special: true, overrideSpecial: "_%" }).result;

const network = new Network(`${stem}-net`, {});
const database = new Database(`${stem}-db`, {
  dbName,
  dbUser,
  dbPassword,
  subnetIds: network.subnetIds,
  securityGroupIds: network.rdsSecurityGroupIds,
});
const frontEnd = new FrontEnd(`${stem}-fe`, {
  vpcId: network.vpcId,
  subnetIds: network.subnetIds,
  securityGroupIds: network.feSecurityGroupIds,
});

export const webServiceUrl = pulumi.interpolate`http://${frontEnd.dnsName}`;
export const databaseEndpoint = database.dbAddress;
