// Reproduces the shape of pulumi/examples aws-ts-stepfunctions
// (https://github.com/pulumi/examples/tree/master/aws-ts-stepfunctions): two CallbackFunctions sharing a role that
// may only write logs, and a Step Functions state machine (its role may invoke Lambda functions) running one after
// the other. Written for bulkhead, not copied.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "fs";

/** A role the given AWS service may assume. */
const serviceRole = (name: string, service: string) =>
  new aws.iam.Role(name, { assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: service }) });

/** One-statement Allow policy. */
const allow = (action: string[], resource: string): aws.iam.PolicyDocument => ({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: action, Resource: resource }],
});

const functionRole = serviceRole("lambdaRole", "lambda.amazonaws.com");
new aws.iam.RolePolicy("lambdaRolePolicy", {
  role: functionRole.id,
  policy: allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], "arn:aws:logs:*:*:*"),
});

// Step Functions is addressed by its regional service principal.
const machineRole = serviceRole("sfnRole", `states.${aws.config.requireRegion()}.amazonaws.com`);
new aws.iam.RolePolicy("sfnRolePolicy", { role: machineRole.id, policy: allow(["lambda:InvokeFunction"], "*") });

const first = new aws.lambda.CallbackFunction("helloFunction", {
  role: functionRole,
  callback: (_event: any, _context: any, done: any) => done(null, "Hello"),
});
const second = new aws.lambda.CallbackFunction("worldFunction", {
  role: functionRole,
  callback: (event: any, _context: any, done: any) => done(null, `${event} World!`),
});

// Two Task states in a row: the first one's result is the second one's input.
const machine = new aws.sfn.StateMachine("stateMachine", {
  roleArn: machineRole.arn,
  definition: pulumi.jsonStringify({
    Comment: "Two Lambda tasks in sequence",
    StartAt: "Hello",
    States: {
      Hello: { Type: "Task", Resource: first.arn, Next: "World" },
      World: { Type: "Task", Resource: second.arn, End: true },
    },
  }),
});

export const stateMachineArn = machine.id;
export const readme = readFileSync(`${__dirname}/Pulumi.README.md`, "utf8");
