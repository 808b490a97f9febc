// Reproduces the shape of pulumi/templates vm-aws-typescript
// (https://github.com/pulumi/templates/tree/master/vm-aws-typescript): a VPC with an internet gateway, one subnet
// that maps public IPs on launch and routes to the gateway, a security group open to the world on port 80 and an
// EC2 instance serving HTTP itself. Written for bulkhead, not copied: same config keys, defaults and exports.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const settings = new pulumi.Config();
const serverSize = settings.get("instanceType") || "t3.micro";
const networkCidr = settings.get("vpcNetworkCidr") || "10.0.0.0/16";
const ANYWHERE = "0.0.0.0/0";

const amazonLinux2 = aws.ec2
    .getAmi({ owners: ["amazon"], mostRecent: true, filters: [{ name: "name", values: ["amzn2-ami-hvm-*"] }] })
    .then((image) => image.id);

const network = new aws.ec2.Vpc("vpc", { cidrBlock: networkCidr, enableDnsSupport: true, enableDnsHostnames: true });
const internetGateway = new aws.ec2.InternetGateway("gateway", { vpcId: network.id });

// Anything launched here gets a public address.
const publicSubnet = new aws.ec2.Subnet("subnet", {
    vpcId: network.id,
    cidrBlock: "10.0.1.0/24",
    mapPublicIpOnLaunch: true,
});

const toInternet = new aws.ec2.RouteTable("routeTable", {
    vpcId: network.id,
    routes: [{ cidrBlock: ANYWHERE, gatewayId: internetGateway.id }],
});
new aws.ec2.RouteTableAssociation("routeTableAssociation", { routeTableId: toInternet.id, subnetId: publicSubnet.id });

// HTTP in from anyone, anything out.
const httpGroup = new aws.ec2.SecurityGroup("secGroup", {
    vpcId: network.id,
    description: "Enable HTTP access",
    ingress: [{ protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: [ANYWHERE] }],
    egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: [ANYWHERE] }],
});

const startWebServer = `#!/bin/bash
printf 'vm-aws web server\\n' > index.html
nohup python3 -m http.server 80 &
`;

const vm = new aws.ec2.Instance("server", {
    ami: amazonLinux2,
    instanceType: serverSize,
    subnetId: publicSubnet.id,
    vpcSecurityGroupIds: [httpGroup.id],
    userData: startWebServer,
    tags: { Name: "webserver" },
});

export const ip = vm.publicIp;
export const hostname = vm.publicDns;
export const url = pulumi.interpolate`http://${vm.publicDns}`;
