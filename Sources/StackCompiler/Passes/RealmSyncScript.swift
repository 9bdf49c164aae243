/// The reconciler's script (`keycloak/realm-sync.sh`), run by a one-shot job from the Keycloak
/// image on every deploy: `--import-realm` skips a realm that exists, so without it a new app,
/// role, group or user would never reach a running Keycloak. It signs in to the `master` realm
/// with the bootstrap administrator and, with `kcadm.sh`:
/// - creates the realm from the realm file when Keycloak has none (a first start that failed
///   to import);
/// - otherwise imports the roles, groups and users the realm lacks (existing ones, and every
///   user's credentials, untouched), replaces each client with the manifest's version, and adds
///   the roles the manifest gives to groups and users.
/// It takes secrets from files and hands them to `kcadm.sh` only through files of mode 600 and
/// its environment, never its arguments; it never removes what the manifest no longer names.
/// (Keycloak's partial import replaces a client by deleting and creating it: the client's
/// sessions end, its secret stays the one the manifest's secret holds.)
enum RealmSyncScript {
    /// Where the job mounts its files.
    enum Paths {
        static let script = "/stackc/realm-sync.sh"
        static let realm = "/stackc/realm.json"
        static let additions = "/stackc/additions.json"
        static let clients = "/stackc/clients.json"
    }

    static func render(_ identity: IdentitySettings, clients: [RealmClient], header: [String]) -> String {
        var lines =
            ["#!/usr/bin/env bash"] + header.map { "# \($0)" } + [
                "#",
                "# Brings the realm '\(identity.realm)' of the running Keycloak in line with the manifest: adds",
                "# what is missing, replaces the clients, never touches users' credentials. Safe to run",
                "# any number of times.",
                "set -euo pipefail",
                "REALM=\(ShellQuoting.quote(identity.realm))",
                "REALM_FILE=\(Paths.realm)",
                "ADDITIONS_FILE=\(Paths.additions)",
                "CLIENTS_FILE=\(Paths.clients)",
                "",
            ]
        lines += library.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines += ["", "# The secret each placeholder of the files stands for."]
        for client in clients {
            lines.append("placeholder \(ShellQuoting.words([client.secretVariable, "/run/secrets/\(client.secret)"]))")
        }
        lines += [
            "", "wait_for_keycloak", "sign_in", "if realm_exists; then", "  import_additions", "  update_clients",
        ]
        for group in identity.groups where !group.roles.isEmpty {
            lines.append("  group_roles \(ShellQuoting.words([group.name] + group.roles))")
        }
        for user in identity.users where !user.roles.isEmpty {
            lines.append("  user_roles \(ShellQuoting.words([user.name] + user.roles))")
        }
        lines += ["else", "  create_realm", "fi", "log \"realm $REALM is in line with the manifest\""]
        return lines.joined(separator: "\n") + "\n"
    }

    /// The functions the generated calls use. Static text: nothing from the manifest is in it.
    static let library = #"""
        KCADM="${STACKC_KCADM:-/opt/keycloak/bin/kcadm.sh}"
        DEADLINE="${STACKC_KEYCLOAK_WAIT:-900}"
        WORK=$(mktemp -d)
        trap 'rm -rf "$WORK"' EXIT
        # As the container's first process, bash ignores TERM unless it handles it: stop at once.
        trap 'exit 143' TERM INT
        # A peer that closes the probe's connection early must fail the probe, not end the run.
        trap '' PIPE
        chmod 700 "$WORK"
        PLACEHOLDERS=()

        log() { printf '%s realm-sync: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
        die() { log "error: $*"; exit 1; }

        # kcadm.sh with its token kept in this run's private folder.
        kc() { "$KCADM" "$@" --config "$WORK/kcadm.config"; }

        # A secret's value; an unreadable or empty one stops the run.
        secret() {
          local value
          value=$(cat "$1") || die "cannot read $1"
          [ -n "$value" ] || die "$1 is empty"
          printf '%s' "$value"
        }

        placeholder() { PLACEHOLDERS+=("$1" "$2"); }

        # Copies file $1 to $WORK/$2 (mode 600) with every placeholder replaced by its secret, as
        # Keycloak's own import does with its environment; prints the copy's path. It runs in a
        # command substitution, where set -e is off: it fails explicitly, and callers assign its
        # output first (set -e sees a failed assignment, not a failed substitution in arguments).
        filled() {
          local text index value
          text=$(cat "$1") || die "cannot read $1"
          for ((index = 0; index < ${#PLACEHOLDERS[@]}; index += 2)); do
            value=$(secret "${PLACEHOLDERS[index + 1]}") || exit 1
            text=${text//"\${${PLACEHOLDERS[index]}}"/"$value"}
          done
          (umask 077 && printf '%s\n' "$text" >"$WORK/$2")
          printf '%s' "$WORK/$2"
        }

        # Whether Keycloak says it is ready (its management port), with bash alone.
        ready() {
          local status=""
          exec 3<>"/dev/tcp/$KEYCLOAK_HOST/$KEYCLOAK_MANAGEMENT_PORT" || return 1
          printf 'GET /health/ready HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$KEYCLOAK_HOST" >&3
          read -r _ status _ <&3 || true
          exec 3<&- 3>&-
          [ "$status" = 200 ]
        }

        wait_for_keycloak() {
          local started delay=2
          started=$(date +%s)
          until ready 2>/dev/null; do
            [ $(($(date +%s) - started)) -lt "$DEADLINE" ] || die "Keycloak was not ready after ${DEADLINE}s"
            log "waiting for Keycloak at $KEYCLOAK_HOST:$KEYCLOAK_MANAGEMENT_PORT"
            sleep "$delay"
            delay=$((delay < 16 ? delay * 2 : 30))
          done
        }

        # The administrator's password reaches kcadm.sh in its environment (KC_CLI_PASSWORD, read
        # when --password is absent), never as an argument.
        sign_in() {
          local password
          password=$(secret "$KEYCLOAK_ADMIN_PASSWORD_FILE")
          KC_CLI_PASSWORD=$password kc config credentials --server "http://$KEYCLOAK_HOST:$KEYCLOAK_PORT" \
            --realm master --user "$KEYCLOAK_ADMIN_USER" >/dev/null
          log "signed in to Keycloak as $KEYCLOAK_ADMIN_USER"
        }

        realm_exists() { kc get "realms/$REALM" --fields realm >/dev/null 2>&1; }

        create_realm() {
          local file
          file=$(filled "$REALM_FILE" realm.json)
          kc create realms -f "$file" >/dev/null
          log "created realm $REALM from the realm file"
        }

        import_additions() {
          kc create partialImport -r "$REALM" -f "$ADDITIONS_FILE" >/dev/null
          log "added the roles, groups and users realm $REALM lacked"
        }

        update_clients() {
          local file
          file=$(filled "$CLIENTS_FILE" clients.json)
          kc create partialImport -r "$REALM" -f "$file" >/dev/null
          log "brought the clients of realm $REALM in line"
        }

        group_roles() {
          local group=$1 role
          shift
          for role in "$@"; do kc add-roles -r "$REALM" --gpath "/$group" --rolename "$role"; done
        }

        user_roles() {
          local user=$1 role
          shift
          for role in "$@"; do kc add-roles -r "$REALM" --uusername "$user" --rolename "$role"; done
        }
        """#
}
