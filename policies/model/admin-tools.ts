/**
 * The platform's own admin tools: IAM actions that give control over OTHER compute (run commands or open a shell
 * on instances, push SSH keys, exec into containers, replace a function's code or configuration, swap an
 * instance's role or user data, hand a role to new compute, grant cluster access). A workload holding one of them
 * on more than its own resources can take over every host, task or function it reaches: "the attackers used the
 * platform's own tools". Each entry links the AWS page that documents what the action does.
 *
 * Data only: the rule `no-workload-admin-tools` reads it and docs/rules.md lists it.
 */
export interface AdminTool {
  /** IAM action, service prefix and name as AWS's Service Authorization Reference spells them. */
  action: string;
  /** What it gives, in a few words. */
  gives: string;
  /** The AWS page that documents it. */
  doc: string;
  /**
   * ARN of the compute it controls, with {region} and {account}: the request is probed against a resource of that
   * type the workload never named. Without it, the IAM catalogue's resource type for the action is probed.
   */
  target?: string;
}

const INSTANCE = "arn:aws:ec2:{region}:{account}:instance/i-0bulkheadprobe";

export const ADMIN_TOOLS: readonly AdminTool[] = [
  { action: "ssm:SendCommand", gives: "runs commands as root on instances (Run Command)", doc: "https://docs.aws.amazon.com/systems-manager/latest/userguide/run-command.html", target: INSTANCE },
  { action: "ssm:StartSession", gives: "opens a shell or port forward on instances (Session Manager)", doc: "https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager.html", target: INSTANCE },
  { action: "ssm:StartAutomationExecution", gives: "runs automation runbooks (scripts, instance changes) with their role", doc: "https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-automation.html" },
  { action: "ssm:CreateAssociation", gives: "makes State Manager run a document on instances on a schedule", doc: "https://docs.aws.amazon.com/systems-manager/latest/userguide/state-manager-associations.html", target: INSTANCE },
  { action: "ssm:UpdateAssociation", gives: "changes what State Manager runs on instances", doc: "https://docs.aws.amazon.com/systems-manager/latest/userguide/state-manager-associations.html" },
  { action: "ssm:RegisterTaskWithMaintenanceWindow", gives: "schedules commands on instances through a maintenance window", doc: "https://docs.aws.amazon.com/systems-manager/latest/userguide/maintenance-windows.html" },
  { action: "ssm-guiconnect:StartConnection", gives: "opens an RDP session on Windows instances (Fleet Manager)", doc: "https://docs.aws.amazon.com/systems-manager/latest/userguide/fleet-manager-remote-desktop-connections.html" },
  { action: "ec2-instance-connect:SendSSHPublicKey", gives: "pushes an SSH key onto instances (EC2 Instance Connect)", doc: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-connect-methods.html", target: INSTANCE },
  { action: "ec2-instance-connect:SendSerialConsoleSSHPublicKey", gives: "opens the serial console of instances", doc: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/connect-to-serial-console.html", target: INSTANCE },
  { action: "ec2-instance-connect:OpenTunnel", gives: "tunnels into private instances through an Instance Connect endpoint", doc: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/permissions-for-ec2-instance-connect-endpoint.html", target: "arn:aws:ec2:{region}:{account}:instance-connect-endpoint/eice-0bulkheadprobe" },
  { action: "ecs:ExecuteCommand", gives: "opens a shell in running containers (ECS Exec)", doc: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html", target: "arn:aws:ecs:{region}:{account}:task/bulkhead-probe/0bulkheadprobe" },
  { action: "ecs:RunTask", gives: "starts tasks (with their task roles) from any task definition", doc: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html", target: "arn:aws:ecs:{region}:{account}:task-definition/bulkhead-probe:1" },
  { action: "ecs:UpdateService", gives: "swaps the task definition (image, command, role) of running services", doc: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html", target: "arn:aws:ecs:{region}:{account}:service/bulkhead-probe/bulkhead-probe" },
  { action: "lambda:UpdateFunctionCode", gives: "replaces a function's code", doc: "https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionCode.html", target: "arn:aws:lambda:{region}:{account}:function:bulkhead-probe" },
  { action: "lambda:UpdateFunctionConfiguration", gives: "changes a function's role, layers and environment", doc: "https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionConfiguration.html", target: "arn:aws:lambda:{region}:{account}:function:bulkhead-probe" },
  { action: "ec2:ModifyInstanceAttribute", gives: "rewrites instances' user data (run at next boot) and groups", doc: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html", target: INSTANCE },
  { action: "ec2:AssociateIamInstanceProfile", gives: "attaches a role to instances", doc: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/attach-iam-role.html", target: INSTANCE },
  { action: "ec2:ReplaceIamInstanceProfileAssociation", gives: "swaps the role of instances", doc: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/attach-iam-role.html", target: INSTANCE },
  { action: "ec2:CreateLaunchTemplateVersion", gives: "changes what auto-scaling groups launch (image, user data, role)", doc: "https://docs.aws.amazon.com/autoscaling/ec2/userguide/create-launch-template.html", target: "arn:aws:ec2:{region}:{account}:launch-template/lt-0bulkheadprobe" },
  { action: "iam:PassRole", gives: "hands roles to new compute, which then runs with them", doc: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html", target: "arn:aws:iam::{account}:role/bulkhead-probe" },
  { action: "eks:CreateAccessEntry", gives: "grants principals access to Kubernetes clusters", doc: "https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html", target: "arn:aws:eks:{region}:{account}:cluster/bulkhead-probe" },
  { action: "eks:AssociateAccessPolicy", gives: "makes principals cluster administrators", doc: "https://docs.aws.amazon.com/eks/latest/userguide/access-policies.html", target: "arn:aws:eks:{region}:{account}:cluster/bulkhead-probe" },
  { action: "codebuild:StartBuild", gives: "runs builds (with buildspec overrides) under the project's role", doc: "https://docs.aws.amazon.com/codebuild/latest/APIReference/API_StartBuild.html", target: "arn:aws:codebuild:{region}:{account}:project/bulkhead-probe" },
];

/**
 * AWS-managed policies the pack can't read but whose documented content holds admin tools (the managed policy
 * reference: https://docs.aws.amazon.com/aws-managed-policy/latest/reference/policy-list.html). Any other
 * AWS-managed policy is not judged by this catalogue (listed as not seen in the finding-free summary).
 */
export const MANAGED_WITH_ADMIN_TOOLS: Readonly<Record<string, string>> = {
  AdministratorAccess: "*",
  PowerUserAccess: "every action but iam / organizations / account",
  AmazonSSMFullAccess: "ssm:*",
  AmazonSSMAutomationRole: "ssm automation, lambda:InvokeFunction, ec2 instance control",
  AmazonEC2FullAccess: "ec2:*",
  AWSLambda_FullAccess: "lambda:*",
  AWSLambdaFullAccess: "lambda:*",
  AmazonECS_FullAccess: "ecs:*",
  IAMFullAccess: "iam:*",
  AWSCodeBuildAdminAccess: "codebuild:*",
};
