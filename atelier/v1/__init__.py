"""Generated gRPC stubs of proto/atelier/v1/engine.proto (scripts/gen_proto.sh)."""
