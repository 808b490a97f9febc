// expect: no-typed-in-credentials intranet-django
// why: a Django intranet on Elastic Beanstalk with DJANGO_SECRET_KEY as a plain environment property: whoever reads the configuration can forge sessions and password-reset tokens.
import * as aws from "@pulumi/aws";

const app = new aws.elasticbeanstalk.Application("intranet", { name: "intranet" });

// https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/environments-cfg-softwaresettings.html: environment
// properties are stored in plain text; secrets go in the environmentsecrets namespace as Secrets Manager/SSM ARNs.
new aws.elasticbeanstalk.Environment("intranet-django", {
  application: app.name,
  solutionStackName: "64bit Amazon Linux 2023 v4.3.0 running Python 3.12",
  settings: [
    { namespace: "aws:elasticbeanstalk:application:environment", name: "DJANGO_SETTINGS_MODULE", value: "intranet.settings.production" },
    { namespace: "aws:elasticbeanstalk:application:environment", name: "DJANGO_SECRET_KEY", value: "k#2v9!x@q7w$e3r&t5y*u8i(o0p)" },
    { namespace: "aws:elasticbeanstalk:application:environmentsecrets", name: "DATABASE_PASSWORD", value: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:intranet/db-Ab12Cd" },
    { namespace: "aws:autoscaling:launchconfiguration", name: "DisableIMDSv1", value: "true" },
  ],
});
