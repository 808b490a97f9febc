// expect: no-hidden-internet-paths ledger-api-service
// why: a PrivateLink endpoint service that accepts connections automatically and allows principal "*": any AWS account can create an endpoint into the internal ledger API from its own VPC (https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html).
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("ledger-vpc", { cidrBlock: "10.64.0.0/16" });
const privateA = new aws.ec2.Subnet("ledger-private-a", { vpcId: vpc.id, cidrBlock: "10.64.10.0/24", availabilityZone: "us-east-1a" });

const nlb = new aws.lb.LoadBalancer("ledger-api-nlb", { loadBalancerType: "network", internal: true, subnets: [privateA.id] });
const tg = new aws.lb.TargetGroup("ledger-api-tg", { port: 8443, protocol: "TCP", targetType: "ip", vpcId: vpc.id });
new aws.lb.Listener("ledger-api-443", { loadBalancerArn: nlb.arn, port: 443, protocol: "TCP", defaultActions: [{ type: "forward", targetGroupArn: tg.arn }] });

const service = new aws.ec2.VpcEndpointService("ledger-api-service", {
  acceptanceRequired: false,
  networkLoadBalancerArns: [nlb.arn],
});
new aws.ec2.VpcEndpointServiceAllowedPrinciple("ledger-api-anyone", {
  vpcEndpointServiceId: service.id,
  principalArn: "*",
});
