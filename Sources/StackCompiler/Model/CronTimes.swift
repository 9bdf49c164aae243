/// When a five-field cron expression fires, enough to say how long a backup may be old: the
/// longest time between two consecutive runs. The checker has already read the fields (numbers,
/// `*`, ranges, steps and lists; `ScalarFormats.isCronField`).
struct CronTimes {
    let minutes: Set<Int>
    let hours: Set<Int>
    let days: Set<Int>
    let months: Set<Int>
    /// 0 is Sunday (a 7 in the expression is read as 0).
    let weekdays: Set<Int>
    /// Whether the day of month and the weekday are both restricted: then a day matches when
    /// either does, as cron reads it.
    let eitherDay: Bool
    let dayIsAny: Bool
    let weekdayIsAny: Bool

    init(_ schedule: Schedule) {
        let fields = schedule.cron.split(separator: " ").map(String.init)
        minutes = Self.values(fields[0], 0...59)
        hours = Self.values(fields[1], 0...23)
        days = Self.values(fields[2], 1...31)
        months = Self.values(fields[3], 1...12)
        weekdays = Set(Self.values(fields[4], 0...7).map { $0 % 7 })
        dayIsAny = fields[2] == "*"
        weekdayIsAny = fields[4] == "*"
        eitherDay = !dayIsAny && !weekdayIsAny
    }

    static func values(_ field: String, _ range: ClosedRange<Int>) -> Set<Int> {
        var out = Set<Int>()
        for part in field.split(separator: ",") {
            let pieces = part.split(separator: "/")
            let step = pieces.count == 2 ? max(Int(pieces[1]) ?? 1, 1) : 1
            var low = range.lowerBound
            var high = range.upperBound
            if pieces[0] != "*" {
                let bounds = pieces[0].split(separator: "-").compactMap { Int($0) }
                guard let first = bounds.first else { continue }
                low = first
                // `a/n` runs from a to the end of the range, as cron reads it.
                high = bounds.count == 2 ? bounds[1] : (pieces.count == 2 ? range.upperBound : first)
            }
            guard low <= high else { continue }
            out.formUnion(stride(from: low, through: high, by: step))
        }
        return out
    }

    func matches(day: Int, month: Int, weekday: Int) -> Bool {
        guard months.contains(month) else { return false }
        if eitherDay { return days.contains(day) || weekdays.contains(weekday) }
        return days.contains(day) && weekdays.contains(weekday)
    }

    /// The longest time between two runs over four years from a fixed date (every weekday falls
    /// on every date of the year within them, and a leap day comes once); nil when the
    /// expression never fires (the 30th of February).
    var longestGap: TimeSpan? {
        let times = hours.sorted().flatMap { hour in minutes.sorted().map { hour * 60 + $0 } }
        guard !times.isEmpty else { return nil }
        var previous: Int?
        var longest = 0
        var dayStart = 0
        // 2024-01-01 was a Monday.
        var weekday = 1
        for year in 2024...2027 {
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            for (index, length) in lengths.enumerated() {
                for day in 1...length {
                    if matches(day: day, month: index + 1, weekday: weekday) {
                        for time in times {
                            let minute = dayStart + time
                            if let previous { longest = max(longest, minute - previous) }
                            previous = minute
                        }
                    }
                    dayStart += 1440
                    weekday = (weekday + 1) % 7
                }
            }
        }
        guard previous != nil else { return nil }
        // Fires once in four years (a leap day that is also a given weekday): the gap is at
        // least that long.
        return TimeSpan(seconds: (longest == 0 ? dayStart : longest) * 60)
    }
}
