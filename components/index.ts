/** bulkhead's hardened components. Type tokens: `bulkhead:<module>:<Name>`. */
export * from "./validation";
export * from "./PlatformNetwork";
export * from "./AdminAccess";
export * from "./PublicLoadBalancer";
export * from "./ManagedSecret";
export * from "./TenantDatabase";
export * from "./PooledDatabase";
export * from "./DatabaseRotation";
export * from "./Tenant";
