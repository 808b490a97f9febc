// expect: no-public-resource-policy order-events-policy
// why: the queue policy "pins" Principal * with StringLike aws:SourceAccount "*", which every account matches (StringLike with a bare wildcard, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String): anyone can inject orders.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const queue = new aws.sqs.Queue("order-events", { sqsManagedSseEnabled: true });

new aws.sqs.QueuePolicy("order-events-policy", {
  queueUrl: queue.url,
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AllowShopWebhooks",
        Effect: "Allow",
        Principal: "*",
        Action: ["sqs:SendMessage"],
        Resource: queue.arn,
        Condition: { StringLike: { "aws:SourceAccount": "*" } },
      },
    ],
  }),
});
