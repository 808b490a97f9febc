// expect: no-typed-in-credentials corp-directory
// why: the managed Microsoft AD's Admin password is typed into the program (a resource type no hand-written list knew): it is the domain administrator of every joined server.
import * as aws from "@pulumi/aws";

// https://docs.aws.amazon.com/directoryservice/latest/admin-guide/ms_ad_getting_started_create_directory.html:
// the Admin password is chosen at creation; https://docs.aws.amazon.com/secretsmanager/latest/userguide/hardcoded.html:
// hardcoded credentials move to Secrets Manager.
new aws.directoryservice.Directory("corp-directory", {
  name: "corp.example.com",
  password: "Corp-Adm1n-2024!",
  edition: "Standard",
  type: "MicrosoftAD",
  vpcSettings: { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0aaa1111bbb22222c", "subnet-0ddd3333eee44444f"] },
});
