// Reproduces the shape of pulumi/pulumi-aws-apigateway examples/apigateway-auth
// (https://github.com/pulumi/pulumi-aws-apigateway/tree/main/examples/apigateway-auth): an aws-apigateway RestAPI
// with one catch-all route to a CallbackFunction, guarded by a custom token authorizer that is itself a
// CallbackFunction (both with their default roles). Written for bulkhead, not copied.
import * as aws from "@pulumi/aws";
import * as apigateway from "@pulumi/aws-apigateway";
import { authorizerLambda } from "./auth-lambda";

const greeter = new aws.lambda.CallbackFunction("f", {
    callback: async (request) => {
        console.log(JSON.stringify(request));
        return { statusCode: 200, body: "Hello, World!" };
    },
});

// API Gateway reads the Authorization header, rejects it unless it looks like a bearer token, then asks the
// authorizer function and caches its answer for five minutes.
const bearerAuthorizer: apigateway.types.input.AuthorizerArgs = {
    authorizerName: "jwt-rsa-custom-authorizer",
    authType: "custom",
    type: "token",
    parameterName: "Authorization",
    parameterLocation: "header",
    identityValidationExpression: "^Bearer [-0-9a-zA-Z._]*$",
    authorizerResultTtlInSeconds: 300,
    handler: new aws.lambda.CallbackFunction("authorizer", { callback: authorizerLambda() }),
};

const api = new apigateway.RestAPI("my-api", {
    binaryMediaTypes: ["application/json"],
    routes: [{ path: "/{proxy+}", method: "ANY", eventHandler: greeter, authorizers: [bearerAuthorizer] }],
});

export const url = api.url;
