// Reproduces the shape of pulumi/templates serverless-aws-typescript
// (https://github.com/pulumi/templates/tree/master/serverless-aws-typescript): an aws.lambda.CallbackFunction
// (default role) behind an aws-apigateway RestAPI that also serves the static page in www/ at "/". Written for
// bulkhead, not copied; www/ holds a page of our own.
import * as aws from "@pulumi/aws";
import * as apigateway from "@pulumi/aws-apigateway";

// Answers with the current time; no role given, so CallbackFunction makes one with its default policies.
const clock = new aws.lambda.CallbackFunction("fn", {
    callback: async () => ({ statusCode: 200, body: new Date().toISOString() }),
});

// Neither route names an authorizer or API key.
const api = new apigateway.RestAPI("api", {
    routes: [
        { path: "/", localPath: "www" },
        { path: "/date", method: "GET", eventHandler: clock },
    ],
});

export const url = api.url;
