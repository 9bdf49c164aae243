/// `nodes/Vagrantfile`: one machine per node, managers first, each with its address on a private
/// network, its size and data disk (VirtualBox and libvirt), provisioned by `setup-node.sh all`,
/// which ends by forming the swarm. The channel (`.swarm/`, gitignored) carries the join tokens
/// and the VRRP password from the first manager to the others.
enum VagrantfileRenderer {
    static func render(_ nodes: NodePlan, header: [String]) -> String {
        let rows = nodes.nodes.map {
            "  { name: \(ruby($0.name)), role: \(ruby($0.role.rawValue)), address: \(ruby($0.address)) },"
        }
        let memoryMB = max(1, nodes.cluster.memory.bytes >> 20)
        let diskGB = nodes.cluster.disk.map { max(1, ($0.bytes + (1 << 30) - 1) >> 30) }
        let diskLines =
            diskGB.map {
                """

                      # The data disk (\(NodeChannel.diskMount) on the node: \(nodes.cluster.storageDriver.rawValue) under Docker\(nodes.cluster.sharedStorage == .glusterfs ? ", GlusterFS bricks" : "")\(nodes.cluster.sharedStorage == .nfs ? ", the NFS export" : "")).
                      machine.vm.disk :disk, name: "stackc-data", size: "\($0)GB"
                """
            } ?? ""
        let libvirtDisk = diskGB.map { "\n        libvirt.storage :file, size: \"\($0)G\"" } ?? ""
        let keepalived =
            nodes.cluster.vip == nil
            ? ""
            : """

                  if node[:role] == "manager"
                    machine.vm.provision "file", source: "keepalived/#{node[:name]}.conf", destination: "#{FILES}/keepalived.conf"
                  end
            """
        return """
            # -*- mode: ruby -*-
            \(header.map { "# " + $0 }.joined(separator: "\n"))
            #
            # The nodes of stack \(nodes.stack): `vagrant up` in this folder brings them up, managers first, and
            # forms the swarm. Vagrant before 2.4 needs VAGRANT_EXPERIMENTAL=disks for the data disk.
            # The join tokens and the VRRP password pass through .swarm/ (never committed).

            NODES = [
            \(rows.joined(separator: "\n"))
            ].freeze
            BOX = \(ruby(nodes.cluster.box))
            CPUS = \(nodes.cluster.cpus)
            MEMORY_MB = \(memoryMB)
            CHANNEL = \(ruby(NodeChannel.path))
            FILES = "/home/vagrant/stackc-node" # the file provisioner uploads as the box's user

            Vagrant.configure("2") do |config|
              config.vm.box = BOX
              config.vm.synced_folder ".", "/vagrant", disabled: true
              # Both ways: the first manager writes the tokens, the others read them.
              config.vm.synced_folder \(ruby(NodeChannel.vagrantFolder)), CHANNEL, create: true

              NODES.each_with_index do |node, index|
                config.vm.define node[:name], primary: index.zero? do |machine|
                  machine.vm.hostname = node[:name]
                  machine.vm.network "private_network", ip: node[:address]
                  machine.vm.provider "virtualbox" do |virtualbox|
                    virtualbox.name = "\(nodes.stack)-#{node[:name]}"
                    virtualbox.cpus = CPUS
                    virtualbox.memory = MEMORY_MB
                  end
                  machine.vm.provider "libvirt" do |libvirt, override|
                    libvirt.cpus = CPUS
                    libvirt.memory = MEMORY_MB\(libvirtDisk)
                    # libvirt's default sync is rsync, one way only; the channel must go both ways.
                    override.vm.synced_folder \(ruby(NodeChannel.vagrantFolder)), CHANNEL, type: "nfs", nfs_version: 4, nfs_udp: false, create: true
                  end\(diskLines)
                  machine.vm.provision "file", source: \(DaemonConfigRenderer.differsByNode(nodes) ? "\"daemon/#{node[:name]}.json\"" : "\"daemon.json\""), destination: "#{FILES}/daemon.json"
                  machine.vm.provision "file", source: "form-swarm.sh", destination: "#{FILES}/form-swarm.sh"
                  machine.vm.provision "file", source: "setup-node.sh", destination: "#{FILES}/setup-node.sh"\(keepalived)
                  machine.vm.provision "shell", name: "stackc", path: "setup-node.sh", args: ["all", node[:name]],
                    env: { "STACKC_NODE_FILES" => FILES, "STACKC_SWARM_CHANNEL" => CHANNEL }
                end
              end
            end

            """
    }

    /// A Ruby string literal (double-quoted, with `\`, `"` and `#` escaped).
    static func ruby(_ text: String) -> String {
        var out = "\""
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "#": out += "\\#"
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out + "\""
    }
}
