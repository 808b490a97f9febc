// The Lambda token authorizer of the apigateway-auth program (see index.ts), in the shape of
// https://github.com/pulumi/pulumi-aws-apigateway/tree/main/examples/apigateway-auth (auth-lambda.ts). Written
// for bulkhead, not copied. Like the example it accepts any well-formed bearer token: the check that matters to
// the pack is that the route requires this authorizer, not what the authorizer verifies.
import type { APIGatewayAuthorizerEvent, APIGatewayAuthorizerResult } from "aws-lambda";

const BEARER = /^Bearer (.+)$/;

/** The bearer token of a TOKEN authorizer event, or undefined when the header is absent or not a bearer token. */
function bearerToken(event: APIGatewayAuthorizerEvent): string | undefined {
    if (event.type !== "TOKEN") throw new Error(`a TOKEN authorizer event was expected, got ${event.type}`);
    return BEARER.exec(event.authorizationToken ?? "")?.[1];
}

/**
 * Widens the invoked method's ARN to every method of its stage
 * (arn:aws:execute-api:region:account:api-id/stage/*), so a cached decision covers the whole API.
 */
function stageWildcard(methodArn: string | undefined): string {
    if (!methodArn) throw new Error("the authorizer event carries no methodArn");
    const [apiPart, stage] = methodArn.split("/");
    return `${apiPart}/${stage}/*`;
}

function decide(event: APIGatewayAuthorizerEvent): APIGatewayAuthorizerResult {
    const token = bearerToken(event);
    return {
        principalId: "me",
        policyDocument: {
            Version: "2012-10-17",
            Statement: [{ Effect: token ? "Allow" : "Deny", Action: "execute-api:Invoke", Resource: stageWildcard(event.methodArn) }],
        },
    };
}

/** The handler for the authorizer's CallbackFunction; a thrown "Unauthorized" makes API Gateway answer 401. */
export function authorizerLambda(): (event: APIGatewayAuthorizerEvent) => Promise<APIGatewayAuthorizerResult> {
    return async (event) => {
        try {
            return decide(event);
        } catch (reason) {
            console.log("authorizer rejected the request:", reason);
            throw new Error("Unauthorized");
        }
    };
}
