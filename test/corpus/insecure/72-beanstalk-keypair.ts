// expect: no-world-open-sensitive-port crm-prod
// expect: bastion-only-admin crm-prod
// why: an Elastic Beanstalk environment with a key pair and no SSHSourceRestriction: the instance security group Beanstalk creates admits SSH from 0.0.0.0/0.
import * as aws from "@pulumi/aws";

const vpc = new aws.ec2.Vpc("crm-vpc", { cidrBlock: "10.72.0.0/16" });
const subnet = new aws.ec2.Subnet("crm-private-a", { vpcId: vpc.id, cidrBlock: "10.72.1.0/24", availabilityZone: "us-east-1a" });

const app = new aws.elasticbeanstalk.Application("crm", { description: "CRM" });

new aws.elasticbeanstalk.Environment("crm-prod", {
  application: app.name,
  solutionStackName: "64bit Amazon Linux 2023 v4.3.0 running PHP 8.3",
  settings: [
    { namespace: "aws:ec2:vpc", name: "VPCId", value: vpc.id },
    { namespace: "aws:ec2:vpc", name: "Subnets", value: subnet.id },
    { namespace: "aws:autoscaling:launchconfiguration", name: "EC2KeyName", value: "crm-ops" },
    { namespace: "aws:autoscaling:launchconfiguration", name: "IamInstanceProfile", value: "aws-elasticbeanstalk-ec2-role" },
  ],
});
