#!/usr/bin/env bash
# The health check compose.yaml runs (same name as in the official image).
exec "$(dirname "$0")/kafka-run-class.sh" kafka.admin.BrokerApiVersionsCommand "$@"
