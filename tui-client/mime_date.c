/* Dates of mail (RFC 5322 section 3.3, with the obsolete syntax of section 4.3) for the list. */
#include "mime.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Skip blanks, commas and (comments), which the obsolete syntax allows between tokens. */
static const char *skip_cfws(const char *p)
{
	int depth = 0;

	for (; *p != '\0'; p++) {
		if (*p == '(')
			depth++;
		else if (*p == ')' && depth > 0)
			depth--;
		else if (depth == 0 && !isspace((unsigned char)*p) && *p != ',')
			break;
	}
	return p;
}

/* A run of up to max digits: its value and how many, or 0 digits. */
static int read_num(const char **p, int max, int *n_r)
{
	int v = 0, k = 0;

	while (k < max && isdigit((unsigned char)(*p)[k]))
		v = v * 10 + ((*p)[k] - '0'), k++;
	if (isdigit((unsigned char)(*p)[k]))
		return -1;	/* too many digits */
	*p += k;
	*n_r = k;
	return v;
}

static int read_month(const char **p)
{
	static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";

	for (int m = 0; m < 12; m++)
		if (strncasecmp(*p, months + 3 * m, 3) == 0) {
			*p += 3;
			while (isalpha((unsigned char)**p))
				(*p)++;	/* "June", "Sept" */
			return m + 1;
		}
	return 0;
}

/* Two-digit years: 00-49 are 20xx, 50-99 19xx; three digits: +1900 (RFC 5322 section 4.3). */
static int full_year(int y, int digits)
{
	if (digits == 2)
		return y < 50 ? 2000 + y : 1900 + y;
	if (digits == 3)
		return 1900 + y;
	return y;
}

static int days_in(int month, int year)
{
	static const int days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (month == 2 && !(year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)))
		return 28;
	return days[month - 1];
}

/* "[Mon,] 23 Nov 2026" at *p: the date, *p after the year; 0, or -1 when it cannot be read. */
static int read_day(const char **p, int *year_r, int *month_r, int *day_r)
{
	int dd, yd;

	*p = skip_cfws(*p);
	if (isalpha((unsigned char)**p)) {	/* the day of the week, which says nothing more */
		while (isalpha((unsigned char)**p))
			(*p)++;
		*p = skip_cfws(*p);
	}
	if ((*day_r = read_num(p, 2, &dd)) < 1 || dd == 0)
		return -1;
	*p = skip_cfws(*p);
	if ((*month_r = read_month(p)) == 0)
		return -1;
	*p = skip_cfws(*p);
	if ((*year_r = read_num(p, 4, &yd)) < 0 || yd < 2 || (**p != '\0' && !isspace((unsigned char)**p)))
		return -1;
	*year_r = full_year(*year_r, yd);
	if (*year_r < 1900 || *day_r > days_in(*month_r, *year_r))
		return -1;
	return 0;
}

void mime_date_short(const char *date, char *buf, size_t size)
{
	const char *p = date != NULL ? date : "";
	int day, month, year;

	buf[0] = '\0';
	if (read_day(&p, &year, &month, &day) == 0)
		snprintf(buf, size, "%04d-%02d-%02d", year, month, day);
}

/* "hh:mm[:ss]" (blanks around the colons are obsolete but allowed); seconds of the day, or -1. */
static long read_time(const char **p)
{
	int v[3] = { 0, 0, 0 }, k, d;

	for (k = 0; k < 3; k++) {
		if (k > 0) {
			const char *q = skip_cfws(*p);

			if (*q != ':')
				break;
			*p = skip_cfws(q + 1);
		}
		if ((v[k] = read_num(p, 2, &d)) < 0 || d == 0)
			return -1;
	}
	if (k < 2 || v[0] > 23 || v[1] > 59 || v[2] > 60)
		return -1;
	return v[0] * 3600L + v[1] * 60L + v[2];
}

/* The zone's offset east of UTC in seconds: +hhmm, -hhmm, or an obsolete name (others count as 0). */
static long read_zone(const char *p)
{
	static const struct { const char *name; int hours; } names[] = {
		{ "EDT", -4 }, { "EST", -5 }, { "CDT", -5 }, { "CST", -6 },
		{ "MDT", -6 }, { "MST", -7 }, { "PDT", -7 }, { "PST", -8 },
	};
	int d;

	p = skip_cfws(p);
	if (*p == '+' || *p == '-') {
		const char *q = p + 1;
		int v = read_num(&q, 4, &d);

		if (v < 0 || d != 4 || v % 100 > 59)
			return 0;
		return (*p == '-' ? -1 : 1) * ((v / 100) * 3600L + (v % 100) * 60L);
	}
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strncasecmp(p, names[i].name, 3) == 0 && !isalpha((unsigned char)p[3]))
			return names[i].hours * 3600L;
	return 0;	/* UT, GMT, Z, military letters (RFC 5322 4.3: read as -0000) */
}

/* Days from 1970-01-01 to a date of the proleptic Gregorian calendar. */
static long long days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + (long long)doe - 719468;
}

int mime_date_parse(const char *date, long long *t_r)
{
	const char *p = date != NULL ? date : "";
	int day, month, year;
	long secs;

	if (read_day(&p, &year, &month, &day) < 0)
		return -1;
	p = skip_cfws(p);
	if ((secs = read_time(&p)) < 0)
		return -1;
	*t_r = days_from_civil(year, month, day) * 86400 + secs - read_zone(p);
	return 0;
}
