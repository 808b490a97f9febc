/**
 * AWS managed policies the evaluator can read: their documents as the AWS Managed Policy Reference publishes them
 * (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/<Name>.html). Only the elements that decide
 * what a principal may do are kept. A managed policy not listed here is reported as unreadable, never assumed.
 *
 * Why these: the admin-equivalent ones (AdministratorAccess; IAMFullAccess: iam:* is every IAM escalation;
 * PowerUserAccess: NotAction iam:* still allows lambda:UpdateFunctionCode, ssm:SendCommand, ec2 user-data edits on
 * every resource, which are escalation paths of the catalogue in escalations.ts, so it is NOT admin but it DOES
 * escalate) and the ones workload roles commonly carry, so their roles stay readable.
 */
export interface ManagedPolicy {
  name: string;
  statements: Array<{ Effect: "Allow" | "Deny"; Action?: string[]; NotAction?: string[]; Resource: string[] | string; Condition?: Record<string, Record<string, string | string[]>> }>;
}

const all = (Action: string[], Resource: string | string[] = "*") => ({ Effect: "Allow" as const, Action, Resource });

export const AWS_MANAGED_POLICIES: ManagedPolicy[] = [
  { name: "AdministratorAccess", statements: [all(["*"])] },
  {
    name: "PowerUserAccess",
    statements: [
      { Effect: "Allow", NotAction: ["iam:*", "organizations:*", "account:*"], Resource: "*" },
      all(["account:GetAccountInformation", "account:GetPrimaryEmail", "account:ListRegions", "iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:ListRoles", "organizations:DescribeEffectivePolicy", "organizations:DescribeOrganization"]),
    ],
  },
  {
    name: "IAMFullAccess",
    statements: [all(["iam:*", "organizations:DescribeAccount", "organizations:DescribeOrganization", "organizations:DescribeOrganizationalUnit", "organizations:DescribePolicy", "organizations:ListChildren", "organizations:ListParents", "organizations:ListPoliciesForTarget", "organizations:ListRoots", "organizations:ListPolicies", "organizations:ListTargetsForPolicy"])],
  },
  {
    name: "AWSLambda_FullAccess",
    statements: [
      all(["cloudformation:DescribeStacks", "cloudformation:ListStackResources", "cloudwatch:ListMetrics", "cloudwatch:GetMetricData", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs", "kms:ListAliases", "iam:GetPolicy", "iam:GetPolicyVersion", "iam:GetRole", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:ListRolePolicies", "iam:ListRoles", "lambda:*", "logs:DescribeLogGroups", "states:DescribeStateMachine", "states:ListStateMachines", "tag:GetResources", "xray:GetTraceSummaries", "xray:BatchGetTraces"]),
      { Effect: "Allow", Action: ["iam:PassRole"], Resource: "*", Condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } } },
      all(["logs:DescribeLogStreams", "logs:GetLogEvents", "logs:FilterLogEvents", "logs:StartLiveTail", "logs:StopLiveTail"], "arn:aws:logs:*:*:log-group:/aws/lambda/*"),
    ],
  },
  { name: "AmazonS3FullAccess", statements: [all(["s3:*", "s3-object-lambda:*"])] },
  { name: "AmazonS3ReadOnlyAccess", statements: [all(["s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*", "s3-object-lambda:List*"])] },
  {
    name: "AmazonSSMManagedInstanceCore",
    statements: [
      all(["ssm:DescribeAssociation", "ssm:GetDeployablePatchSnapshotForInstance", "ssm:GetDocument", "ssm:DescribeDocument", "ssm:GetManifest", "ssm:GetParameter", "ssm:GetParameters", "ssm:ListAssociations", "ssm:ListInstanceAssociations", "ssm:PutInventory", "ssm:PutComplianceItems", "ssm:PutConfigurePackageResult", "ssm:UpdateAssociationStatus", "ssm:UpdateInstanceAssociationStatus", "ssm:UpdateInstanceInformation"]),
      all(["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"]),
      all(["ec2messages:AcknowledgeMessage", "ec2messages:DeleteMessage", "ec2messages:FailMessage", "ec2messages:GetEndpoint", "ec2messages:GetMessages", "ec2messages:SendReply"]),
    ],
  },
  {
    name: "CloudWatchAgentServerPolicy",
    statements: [
      all(["cloudwatch:PutMetricData", "ec2:DescribeVolumes", "ec2:DescribeTags", "logs:PutLogEvents", "logs:PutRetentionPolicy", "logs:DescribeLogStreams", "logs:DescribeLogGroups", "logs:CreateLogStream", "logs:CreateLogGroup", "xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:GetSamplingStatisticSummaries"]),
      all(["ssm:GetParameter"], "arn:aws:ssm:*:*:parameter/AmazonCloudWatch-*"),
    ],
  },
  { name: "AWSLambdaBasicExecutionRole", statements: [all(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"])] },
  {
    name: "AWSLambdaVPCAccessExecutionRole",
    statements: [all(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"])],
  },
  { name: "AWSXRayDaemonWriteAccess", statements: [all(["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:GetSamplingStatisticSummaries"])] },
  { name: "AmazonECSTaskExecutionRolePolicy", statements: [all(["ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "logs:CreateLogStream", "logs:PutLogEvents"])] },
  {
    name: "AmazonEC2ContainerRegistryReadOnly",
    statements: [all(["ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:GetRepositoryPolicy", "ecr:DescribeRepositories", "ecr:ListImages", "ecr:DescribeImages", "ecr:BatchGetImage", "ecr:GetLifecyclePolicy", "ecr:GetLifecyclePolicyPreview", "ecr:ListTagsForResource", "ecr:DescribeImageScanFindings"])],
  },
  {
    name: "AmazonEKSWorkerNodePolicy",
    statements: [all(["ec2:DescribeInstances", "ec2:DescribeInstanceTypes", "ec2:DescribeRouteTables", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVolumes", "ec2:DescribeVolumesModifications", "ec2:DescribeVpcs", "eks:DescribeCluster", "eks-auth:AssumeRoleForPodIdentity"])],
  },
  {
    name: "AmazonEKS_CNI_Policy",
    statements: [
      all(["ec2:AssignPrivateIpAddresses", "ec2:AttachNetworkInterface", "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DescribeInstances", "ec2:DescribeTags", "ec2:DescribeNetworkInterfaces", "ec2:DescribeInstanceTypes", "ec2:DescribeSubnets", "ec2:DetachNetworkInterface", "ec2:ModifyNetworkInterfaceAttribute", "ec2:UnassignPrivateIpAddresses"]),
      all(["ec2:CreateTags"], "arn:aws:ec2:*:*:network-interface/*"),
    ],
  },
];

const byName = new Map(AWS_MANAGED_POLICIES.map((p) => [p.name.toLowerCase(), p]));

/** `arn:aws:iam::aws:policy/[path/]Name` → Name, for any partition; undefined for other ARNs. */
export function awsManagedName(arn: string): string | undefined {
  const m = /^arn:aws[a-z-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn);
  return m?.[1];
}

export function awsManagedPolicy(name: string): ManagedPolicy | undefined {
  return byName.get(name.toLowerCase());
}
