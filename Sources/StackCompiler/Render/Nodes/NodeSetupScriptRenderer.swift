/// `nodes/setup-node.sh`: what a node needs before and around Docker, run as root by the
/// provisioner (Vagrant runs `all`; Ignition's units run the steps as their inputs arrive):
/// names no DNS knows, the data disk under Docker, Docker and the packages the cluster needs,
/// the daemon settings, the shared storage at `/data`, keepalived for the VIP, the timer that
/// labels nodes that join later, and the swarm. Idempotent: every step checks first.
enum NodeSetupScriptRenderer {
    static func render(_ nodes: NodePlan, header: [String]) -> String {
        let hosts = nodes.hosts.map { "  " + ShellQuoting.quote(([$0.address] + $0.names).joined(separator: " ")) }
        let bricks = nodes.glusterBricks.map(\.name).joined(separator: " ")
        let settings = [
            "stack=\(ShellQuoting.quote(nodes.stack))",
            "storage_driver=\(nodes.cluster.storageDriver.rawValue)",
            "shared_storage=\(nodes.cluster.sharedStorage.rawValue)",
            "has_disk=\(nodes.cluster.disk != nil)",
            "has_vip=\(nodes.cluster.vip != nil)",
            "backup_folder=\(ShellQuoting.quote(nodes.backupFolder ?? ""))",
            "gluster_bricks=\(ShellQuoting.quote(bricks))",
        ]
        return """
            \(NodeScriptParts.opening(header))
            #
            # Sets up a node of stack \(nodes.stack), as root, on Debian (apt) or Fedora CoreOS (rpm-ostree):
            #   setup-node.sh prepare NODE  names no DNS knows (/etc/hosts), the data disk under Docker
            #                               (\(NodeChannel.diskMount)), packages, Docker with nodes/daemon.json, the
            #                               shared storage at /data; before Docker starts
            #   setup-node.sh vip NODE      keepalived on a manager, once the channel has the VRRP password
            #   setup-node.sh all NODE      both, then form-swarm.sh join NODE (what Vagrant runs)
            #   setup-node.sh ceph-key      installs the CephFS key once the channel has it
            # Environment: STACKC_NODE_FILES (a folder with daemon.json, form-swarm.sh, setup-node.sh and
            # keepalived.conf to install; Ignition writes them in place instead), STACKC_SWARM_CHANNEL
            # (default \(NodeChannel.path)), STACKC_DATA_DISK (the data disk; default: the one whole disk
            # with no partition, filesystem or mount).
            set -euo pipefail

            \(settings.joined(separator: "\n"))
            \(NodeScriptParts.nodesArray(nodes))
            # /etc/hosts lines: address, names.
            hosts=(
            \(hosts.joined(separator: "\n"))
            )
            channel=${STACKC_SWARM_CHANNEL:-\(NodeChannel.path)}
            files=${STACKC_NODE_FILES:-}
            disk_mount=\(NodeChannel.diskMount)

            \(NodeScriptParts.functions("setup-node"))

            address_of() {
              local role address
              read -r role address < <(describe "$1")
              [ -n "$role" ] && printf '%s\\n' "$address"
            }

            is_coreos() { command -v rpm-ostree >/dev/null 2>&1; }

            # The Debian release's code name (bookworm).
            codename() { awk -F= '$1 == "VERSION_CODENAME" { print $2 }' /etc/os-release; }

            # Installs packages $@ that are missing: apt on Debian, live layering on Fedora CoreOS
            # (only what the image lacks: layering a package it has is an error).
            install_packages() {
              [ $# -gt 0 ] || return 0
              if is_coreos; then
                local package missing=()
                for package in "$@"; do
                  rpm -q --whatprovides "$package" >/dev/null 2>&1 || missing+=("$package")
                done
                [ ${#missing[@]} -gt 0 ] || return 0
                # Zincati's update may hold rpm-ostree's transaction for a while at first boot.
                local attempt
                for attempt in 1 2 3 4 5; do
                  rpm-ostree install --apply-live --idempotent --allow-inactive "${missing[@]}" && return 0
                  say "rpm-ostree could not layer ${missing[*]} (attempt $attempt of 5); retrying in 30s"
                  sleep 30
                done
                die "rpm-ostree could not layer ${missing[*]}: see 'rpm-ostree status'"
              else
                DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null
              fi
            }

            # Adds line $2 to file $1 unless it is there.
            ensure_line() {
              touch "$1"
              grep -qxF "$2" "$1" || printf '%s\\n' "$2" >>"$1"
            }

            # MARK: prepare

            write_hosts() {
              local entry
              for entry in "${hosts[@]}"; do
                ensure_line /etc/hosts "$entry"
              done
            }

            # The data disk: STACKC_DATA_DISK, else the one whole disk without partitions, filesystem or mount.
            find_disk() {
              if [ -n "${STACKC_DATA_DISK:-}" ]; then
                printf '%s\\n' "$STACKC_DATA_DISK"
                return 0
              fi
              local name type
              while read -r name type; do
                [ "$type" = disk ] || continue
                [ -z "$(lsblk -nro NAME "$name" | tail -n +2)" ] || continue
                [ -z "$(lsblk -nro FSTYPE,MOUNTPOINT "$name" | tr -d ' ')" ] || continue
                printf '%s\\n' "$name"
                return 0
              done < <(lsblk -dnpo NAME,TYPE)
              return 1
            }

            # The data disk at $disk_mount (a ZFS pool, btrfs or XFS), Docker's folder on it.
            prepare_disk() {
              mkdir -p "$disk_mount"
              if [ "$has_disk" != true ]; then
                mkdir -p "$disk_mount/docker"
                return 0
              fi
              if ! mountpoint -q "$disk_mount"; then
                local disk
                disk=$(find_disk) || die "no empty data disk found: set STACKC_DATA_DISK to the disk (cluster.disk)"
                case $storage_driver in
                  zfs)
                    zpool list stackc >/dev/null 2>&1 || zpool create -f -m "$disk_mount" stackc "$disk"
                    ;;
                  btrfs)
                    blkid -L stackc-data >/dev/null || mkfs.btrfs -q -L stackc-data "$disk"
                    ensure_line /etc/fstab "LABEL=stackc-data $disk_mount btrfs defaults 0 0"
                    mount "$disk_mount"
                    ;;
                  *)
                    blkid -L stackc-data >/dev/null || mkfs.xfs -q -L stackc-data "$disk"
                    ensure_line /etc/fstab "LABEL=stackc-data $disk_mount xfs defaults 0 0"
                    mount "$disk_mount"
                    ;;
                esac
                say "data disk $disk at $disk_mount ($storage_driver)"
              fi
              mkdir -p /var/lib/docker
              if [ "$storage_driver" = zfs ]; then
                zfs list stackc/docker >/dev/null 2>&1 || zfs create -o mountpoint=/var/lib/docker stackc/docker
              elif ! mountpoint -q /var/lib/docker; then
                mkdir -p "$disk_mount/docker"
                ensure_line /etc/fstab "$disk_mount/docker /var/lib/docker none bind 0 0"
                mount /var/lib/docker
              fi
              if command -v restorecon >/dev/null 2>&1; then restorecon -R /var/lib/docker; fi
            }

            # Docker CE from Docker's repository on Debian (Fedora CoreOS ships its engine).
            install_docker() {
              command -v dockerd >/dev/null 2>&1 && return 0
              is_coreos && return 0
              install_packages ca-certificates curl
              install -m 0755 -d /etc/apt/keyrings
              curl -fsSL https://download.docker.com/linux/debian/gpg -o /etc/apt/keyrings/docker.asc
              printf 'deb [arch=%s signed-by=/etc/apt/keyrings/docker.asc] https://download.docker.com/linux/debian %s stable\\n' \\
                "$(dpkg --print-architecture)" "$(codename)" >/etc/apt/sources.list.d/docker.list
              apt-get update -q >/dev/null
              install_packages docker-ce docker-ce-cli containerd.io
            }

            # The packages this node needs for its storage, shared storage and VIP.
            packages_for() {
              local role=$1 node=$2
              case $storage_driver in
                btrfs) printf '%s\\n' btrfs-progs ;;
                zfs)
                  is_coreos && die "Fedora CoreOS has no ZFS: use storage_driver btrfs or overlay2"
                  printf '%s\\n' "linux-headers-$(uname -r)" zfs-dkms zfsutils-linux
                  ;;
              esac
              if [ "$has_disk" = true ] && [ "$storage_driver" = overlay2 ]; then printf '%s\\n' xfsprogs; fi
              case $shared_storage in
                nfs)
                  # Fedora CoreOS mounts NFS with its own nfs-utils-coreos; its server is layered
                  # in serve_nfs_on_coreos.
                  if ! is_coreos; then printf '%s\\n' nfs-common; fi
                  if [ "$node" = "${nodes[0]%% *}" ] && ! is_coreos; then printf '%s\\n' nfs-kernel-server; fi
                  ;;
                glusterfs)
                  if is_coreos; then printf '%s\\n' glusterfs-fuse; else printf '%s\\n' glusterfs-client; fi
                  if [[ " $gluster_bricks " == *" $node "* ]]; then printf '%s\\n' glusterfs-server; fi
                  ;;
                cephfs) printf '%s\\n' ceph-common ;;
              esac
              if [ "$role" = manager ] && [ "$has_vip" = true ]; then printf '%s\\n' keepalived curl; fi
            }

            docker_changed=false     # whether Docker's settings changed in this run
            keepalived_changed=false # whether keepalived's config changed in this run

            # Installs $1 as $2 (mode $3) unless it is there with the same bytes; true when it changed.
            install_changed() {
              cmp -s "$1" "$2" && return 1
              install -D -m "$3" "$1" "$2"
            }

            install_node_files() {
              [ -n "$files" ] || return 0
              if install_changed "$files/daemon.json" /etc/docker/daemon.json 0644; then docker_changed=true; fi
              install -D -m 0755 "$files/form-swarm.sh" \(NodeChannel.formScript)
              install -D -m 0755 "$files/setup-node.sh" \(NodeChannel.setupScript)
              if [ -f "$files/keepalived.conf" ] && install_changed "$files/keepalived.conf" /etc/keepalived/keepalived.conf 0644; then
                keepalived_changed=true
              fi
            }

            # The node has its address of the cluster model: everything else (the swarm, the
            # engines' metrics, VRRP, the shared storage) uses it.
            require_address() {
              [ -n "$(ip -o -4 addr show to "$2" 2>/dev/null)" ] ||
                die "$1 does not have its address $2: give it that address (a static address, or a DHCP reservation for its MAC address), then run this again"
            }

            # The shared folder /data on every node, mounted when first used (so that a node set up
            # before the storage is there mounts it later), and Docker ordered after it.
            mount_shared_storage() {
              local node=$1 first_address entry line="" backups="" brick role address
              first_address=$(address_of "${nodes[0]%% *}")
              case $shared_storage in
                none) return 0 ;;
                nfs)
                  if [ "$node" = "${nodes[0]%% *}" ]; then
                    serve_nfs_on_coreos
                    mkdir -p "$disk_mount/nfs"
                    # To the nodes only (root on them writes volumes as any user), not their network.
                    local clients=""
                    for entry in "${nodes[@]}"; do
                      read -r _ _ address <<<"$entry"
                      clients="$clients $address(rw,sync,no_subtree_check,no_root_squash)"
                    done
                    ensure_line /etc/exports "$disk_mount/nfs$clients"
                    systemctl enable --now nfs-server >/dev/null 2>&1
                    exportfs -ra
                  fi
                  line="$first_address:$disk_mount/nfs /data nfs4 _netdev,noauto,x-systemd.automount,x-systemd.mount-timeout=60 0 0"
                  ;;
                glusterfs)
                  serve_gluster_brick "$node"
                  for brick in $gluster_bricks; do
                    [ "$brick" = "${nodes[0]%% *}" ] || backups="$backups${backups:+:}$(address_of "$brick")"
                  done
                  line="$first_address:/$stack-data /data glusterfs _netdev,noauto,x-systemd.automount${backups:+,backup-volfile-servers=$backups} 0 0"
                  ;;
                cephfs)
                  install_ceph_key || say "no CephFS key in $channel/ceph.secret yet: /data mounts once it is there and 'setup-node.sh ceph-key' ran (join-nodes.sh does both)"
                  local monitors=""
                  for entry in "${nodes[@]}"; do
                    read -r _ role address <<<"$entry"
                    [ "$role" = manager ] && monitors="$monitors${monitors:+,}$address:6789"
                  done
                  line="$monitors:/ /data ceph name=$stack,secretfile=/etc/ceph/$stack.secret,noatime,_netdev,noauto,x-systemd.automount 0 0"
                  ;;
              esac
              mkdir -p /data
              ensure_line /etc/fstab "$line"
              local dropin=/etc/systemd/system/docker.service.d/stackc-data.conf
              if [ "$(cat "$dropin" 2>/dev/null)" != "$(printf '[Unit]\\nWants=data.automount\\nAfter=data.automount')" ]; then
                mkdir -p "${dropin%/*}"
                printf '[Unit]\\nWants=data.automount\\nAfter=data.automount\\n' >"$dropin"
                docker_changed=true
              fi
              systemctl daemon-reload
              systemctl start data.automount
            }

            # Fedora CoreOS's image has only the NFS client (nfs-utils-coreos): the server replaces
            # it, which takes a reboot; this step runs again after it and goes on.
            serve_nfs_on_coreos() {
              is_coreos || return 0
              rpm -q nfs-utils >/dev/null 2>&1 && return 0
              rpm-ostree override remove nfs-utils-coreos --install nfs-utils
              say "the NFS server is layered: rebooting once to run it"
              systemctl reboot
              # Stopped by the shutdown, so the unit does not mark the node prepared.
              exec sleep infinity
            }

            # The key of the Ceph client `client.<stack>` from the channel (the operator puts it there).
            install_ceph_key() {
              [ -s "$channel/ceph.secret" ] || return 1
              install -D -m 0600 "$channel/ceph.secret" "/etc/ceph/$stack.secret"
              if systemctl is-active -q data.automount; then systemctl restart data.automount; fi
            }

            # A brick of the replicated GlusterFS volume on the first nodes; the last of them makes the
            # volume once every brick node answers.
            serve_gluster_brick() {
              local node=$1 brick last="" bricks=() count=0 waited
              [[ " $gluster_bricks " == *" $node "* ]] || return 0
              mkdir -p "$disk_mount/gluster/brick"
              systemctl enable --now glusterd >/dev/null 2>&1
              for brick in $gluster_bricks; do
                last=$brick
                count=$((count + 1))
                bricks+=("$(address_of "$brick"):$disk_mount/gluster/brick")
              done
              [ "$node" = "$last" ] || return 0
              gluster volume info "$stack-data" >/dev/null 2>&1 && return 0
              for brick in $gluster_bricks; do
                [ "$brick" = "$node" ] && continue
                waited=0
                until gluster peer probe "$(address_of "$brick")" >/dev/null 2>&1; do
                  [ "$waited" -lt 900 ] || die "the GlusterFS peer $brick does not answer after 900s: is it up, with glusterd running? Run 'setup-node.sh prepare $node' again then"
                  sleep 5
                  waited=$((waited + 5))
                done
              done
              if [ "$count" -gt 1 ]; then
                gluster --mode=script volume create "$stack-data" replica "$count" "${bricks[@]}" force
              else
                gluster --mode=script volume create "$stack-data" "${bricks[@]}" force
              fi
              gluster --mode=script volume start "$stack-data"
              say "GlusterFS volume $stack-data: ${bricks[*]}"
            }

            # Managers relabel every minute, so that nodes joining later get their labels.
            install_label_timer() {
              printf '[Unit]\\nDescription=stackc: label the nodes for the stack placement\\nAfter=docker.service\\n\\n[Service]\\nType=oneshot\\nExecStart=%s label\\n' \\
                \(NodeChannel.formScript) >/etc/systemd/system/stackc-swarm-label.service
              printf '[Unit]\\nDescription=stackc: label the nodes every minute\\n\\n[Timer]\\nOnBootSec=2min\\nOnUnitActiveSec=1min\\n\\n[Install]\\nWantedBy=timers.target\\n' \\
                >/etc/systemd/system/stackc-swarm-label.timer
              systemctl daemon-reload
              systemctl enable --now stackc-swarm-label.timer >/dev/null 2>&1
            }

            prepare() {
              local node=$1 role address
              read -r role address < <(describe "$node") || die "'$node' is not a node of this cluster"
              write_hosts
              require_address "$node" "$address"
              # Tools for the disk first, Docker after the disk is mounted under it. ZFS is in
              # Debian's contrib section.
              if ! is_coreos; then
                if [ "$storage_driver" = zfs ]; then
                  ensure_line /etc/apt/sources.list.d/stackc-contrib.list "deb http://deb.debian.org/debian $(codename) contrib"
                fi
                apt-get update -q >/dev/null
              fi
              # Assigned on its own: a failure inside "$(...)" stops the script only there.
              local list packages=()
              list=$(packages_for "$role" "$node")
              if [ -n "$list" ]; then mapfile -t packages <<<"$list"; fi
              install_packages "${packages[@]}"
              prepare_disk
              install_node_files
              install_docker
              mount_shared_storage "$node"
              # Where the backup jobs that run on this node keep their repositories.
              if [ -n "$backup_folder" ]; then (umask 077 && mkdir -p "$backup_folder"); fi
              if [ "$role" = manager ]; then install_label_timer; fi
              systemctl enable docker.service >/dev/null 2>&1
              # Under Ignition Docker starts after this step. Under Vagrant it runs already: it is
              # restarted only when its settings changed, so that a rerun leaves the tasks alone.
              if [ "$docker_changed" = true ] && systemctl is-active -q docker.service; then
                systemctl restart docker.service
              fi
              say "$node ($role, $address) is prepared"
            }

            # MARK: vip

            vip() {
              local node=$1 role address interface waited=0
              read -r role address < <(describe "$node") || die "'$node' is not a node of this cluster"
              [ "$role" = manager ] && [ "$has_vip" = true ] || return 0
              if [ "$node" = "${nodes[0]%% *}" ] && [ ! -s "$channel/vrrp-password" ]; then
                mkdir -p "$channel"
                (umask 077 && head -c 6 /dev/urandom | base64 >"$channel/vrrp-password")
              fi
              until [ -s "$channel/vrrp-password" ]; do
                [ "$waited" -lt 900 ] || die "no VRRP password in $channel/vrrp-password"
                sleep 5
                waited=$((waited + 5))
              done
              interface=$(ip -o -4 addr show to "$address" | awk '{ print $2; exit }')
              [ -n "$interface" ] || die "no interface has $address"
              local before after
              before=$(cat /etc/keepalived/*.conf 2>/dev/null | cksum)
              printf '%s\\n' "\\$STACKC_INTERFACE=$interface" >\(KeepalivedRenderer.interfaceFile)
              (umask 077 && printf 'authentication {\\n    auth_type PASS\\n    auth_pass %s\\n}\\n' "$(head -c 8 "$channel/vrrp-password")" >\(KeepalivedRenderer.authenticationFile))
              after=$(cat /etc/keepalived/*.conf | cksum)
              systemctl enable keepalived.service >/dev/null 2>&1
              # Restarted only when its settings changed: a restart on the first manager moves the VIP.
              if [ "$keepalived_changed" = true ] || [ "$before" != "$after" ] || ! systemctl is-active -q keepalived.service; then
                systemctl restart keepalived.service
              fi
              say "keepalived holds or backs up the virtual IP on $interface"
            }

            case ${1:-} in
              prepare) prepare "${2:?usage: setup-node.sh prepare NODE}" ;;
              vip) vip "${2:?usage: setup-node.sh vip NODE}" ;;
              ceph-key) install_ceph_key || die "no CephFS key in $channel/ceph.secret" ;;
              all)
                if [ "$shared_storage" = cephfs ] && [ ! -s "$channel/ceph.secret" ]; then
                  die "put the key of the Ceph client client.$stack into $channel/ceph.secret (nodes/.swarm/ceph.secret beside the Vagrantfile) first"
                fi
                prepare "${2:?usage: setup-node.sh all NODE}"
                vip "$2"
                STACKC_SWARM_CHANNEL=$channel \(NodeChannel.formScript) join "$2"
                ;;
              *) die "usage: setup-node.sh prepare|vip|all NODE" ;;
            esac

            """
    }
}
