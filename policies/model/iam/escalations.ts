/**
 * The privilege-escalation catalogue: sets of actions that, allowed together on resources the principal did not
 * name, let it gain permissions it was not given. One entry per method, each with a one-line explanation and its
 * public source; docs/rules.md renders this table (scripts/gen-rules-doc.ts).
 *
 * Sources: Rhino Security Labs, "AWS IAM Privilege Escalation - Methods and Mitigation"
 * (https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/) and Datadog's pathfinding.cloud
 * catalogue of AWS IAM privilege-escalation paths (https://pathfinding.cloud/).
 */
export interface EscalationMethod {
  id: string;
  /** Every action of the set must be allowed. */
  actions: string[];
  /** How the set escalates, in one line. */
  doc: string;
  source: string;
}

const RHINO = "https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/";
const PATHFINDING = "https://pathfinding.cloud/";

export const ESCALATION_METHODS: EscalationMethod[] = [
  { id: "create-policy-version", actions: ["iam:CreatePolicyVersion"], doc: "writes a new default version of a customer managed policy attached to itself, granting anything.", source: `${RHINO} (method 1)` },
  { id: "set-default-policy-version", actions: ["iam:SetDefaultPolicyVersion"], doc: "switches a managed policy attached to itself to an older, broader version.", source: `${RHINO} (method 2)` },
  { id: "passrole-ec2", actions: ["iam:PassRole", "ec2:RunInstances"], doc: "launches an instance with a more privileged instance profile and takes its credentials from IMDS.", source: `${RHINO} (method 3)` },
  { id: "create-access-key", actions: ["iam:CreateAccessKey"], doc: "creates access keys for another (more privileged) IAM user.", source: `${RHINO} (method 4)` },
  { id: "create-login-profile", actions: ["iam:CreateLoginProfile"], doc: "sets a console password on a user that has none and signs in as it.", source: `${RHINO} (method 5)` },
  { id: "update-login-profile", actions: ["iam:UpdateLoginProfile"], doc: "changes another user's console password.", source: `${RHINO} (method 6)` },
  { id: "attach-user-policy", actions: ["iam:AttachUserPolicy"], doc: "attaches any managed policy (AdministratorAccess) to a user it controls.", source: `${RHINO} (method 7)` },
  { id: "attach-group-policy", actions: ["iam:AttachGroupPolicy"], doc: "attaches any managed policy to a group it is in.", source: `${RHINO} (method 8)` },
  { id: "attach-role-policy", actions: ["iam:AttachRolePolicy"], doc: "attaches any managed policy to a role it uses (its own role included).", source: `${RHINO} (method 9)` },
  { id: "put-user-policy", actions: ["iam:PutUserPolicy"], doc: "writes an arbitrary inline policy on a user it controls.", source: `${RHINO} (method 10)` },
  { id: "put-group-policy", actions: ["iam:PutGroupPolicy"], doc: "writes an arbitrary inline policy on a group it is in.", source: `${RHINO} (method 11)` },
  { id: "put-role-policy", actions: ["iam:PutRolePolicy"], doc: "writes an arbitrary inline policy on a role it uses (its own role included).", source: `${RHINO} (method 12)` },
  { id: "add-user-to-group", actions: ["iam:AddUserToGroup"], doc: "adds a user it controls to a more privileged group.", source: `${RHINO} (method 13)` },
  { id: "update-assume-role-policy", actions: ["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"], doc: "rewrites a privileged role's trust policy to trust itself, then assumes it.", source: `${RHINO} (method 14)` },
  { id: "passrole-lambda-invoke", actions: ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"], doc: "creates a function running as a more privileged role and invokes it.", source: `${RHINO} (method 15)` },
  { id: "passrole-lambda-event-source", actions: ["iam:PassRole", "lambda:CreateFunction", "lambda:CreateEventSourceMapping"], doc: "creates a function with a privileged role and triggers it from an event source.", source: `${RHINO} (method 16)` },
  { id: "update-function-code", actions: ["lambda:UpdateFunctionCode"], doc: "replaces the code of an existing function that runs as a more privileged role.", source: `${RHINO} (method 17)` },
  { id: "passrole-glue-dev-endpoint", actions: ["iam:PassRole", "glue:CreateDevEndpoint"], doc: "creates a Glue development endpoint with a privileged role and SSHes into it.", source: `${RHINO} (method 18)` },
  { id: "update-glue-dev-endpoint", actions: ["glue:UpdateDevEndpoint"], doc: "adds its SSH key to an existing Glue endpoint that runs as a privileged role.", source: `${RHINO} (method 19)` },
  { id: "passrole-cloudformation", actions: ["iam:PassRole", "cloudformation:CreateStack"], doc: "creates a stack that runs as a privileged role and creates whatever it wants.", source: `${RHINO} (method 20)` },
  { id: "passrole-datapipeline", actions: ["iam:PassRole", "datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition"], doc: "runs commands in a pipeline under a privileged role.", source: `${RHINO} (method 21)` },
  { id: "passrole-ecs-task", actions: ["iam:PassRole", "ecs:RegisterTaskDefinition", "ecs:RunTask"], doc: "registers a task definition with a privileged task role and runs it.", source: `${PATHFINDING} (iam:PassRole + ecs:RegisterTaskDefinition + ecs:RunTask)` },
  { id: "passrole-codebuild", actions: ["iam:PassRole", "codebuild:CreateProject", "codebuild:StartBuild"], doc: "creates a build project with a privileged service role and runs its buildspec.", source: `${PATHFINDING} (iam:PassRole + codebuild:CreateProject + codebuild:StartBuild)` },
  { id: "passrole-sagemaker-notebook", actions: ["iam:PassRole", "sagemaker:CreateNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl"], doc: "creates a notebook with a privileged role and opens a shell in it.", source: `${PATHFINDING} (iam:PassRole + sagemaker:CreateNotebookInstance)` },
  { id: "ssm-send-command", actions: ["ssm:SendCommand"], doc: "runs shell commands on other instances and uses their instance-profile credentials.", source: `${PATHFINDING} (ssm:SendCommand)` },
  { id: "ssm-start-session", actions: ["ssm:StartSession"], doc: "opens a shell on other instances and uses their instance-profile credentials.", source: `${PATHFINDING} (ssm:StartSession)` },
  { id: "ec2-modify-user-data", actions: ["ec2:ModifyInstanceAttribute", "ec2:StopInstances", "ec2:StartInstances"], doc: "rewrites a stopped instance's user data so it runs code under the instance's role on start.", source: `${PATHFINDING} (ec2:ModifyInstanceAttribute + ec2:StopInstances + ec2:StartInstances)` },
  { id: "assume-any-role", actions: ["sts:AssumeRole"], doc: "assumes any role of the account whose trust policy trusts the account root (Resource \"*\").", source: `${PATHFINDING} (sts:AssumeRole)` },
];
