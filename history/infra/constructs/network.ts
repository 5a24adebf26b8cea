/**
 * The network the database lives in: a VPC with isolated subnets only (no NAT, no internet route). The Lambdas
 * that reach the database run there and reach S3 through a free gateway endpoint and Secrets Manager through one
 * interface endpoint; nothing else leaves the VPC.
 */
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

export class HistoryNetwork extends Construct {
  readonly vpc: ec2.Vpc;
  readonly lambdaSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
    });
    this.vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
    this.lambdaSecurityGroup = new ec2.SecurityGroup(this, 'Lambdas', {
      vpc: this.vpc,
      allowAllOutbound: false,
      description: 'History Lambdas in the VPC',
    });
    const endpoint = this.vpc.addInterfaceEndpoint('SecretsManager', {
      service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      // One subnet: the endpoint is billed per AZ-hour, and both subnets reach it.
      subnets: {
        subnetType: ec2.SubnetType.PRIVATE_ISOLATED,
        onePerAz: true,
        availabilityZones: [this.vpc.availabilityZones[0] ?? ''],
      },
      open: false,
    });
    endpoint.connections.allowFrom(this.lambdaSecurityGroup, ec2.Port.tcp(443), 'Lambdas read their secrets');
    // HTTPS out reaches only the two endpoints: the subnets have no route to the internet.
    this.lambdaSecurityGroup.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      'S3 and Secrets Manager endpoints',
    );
  }
}
