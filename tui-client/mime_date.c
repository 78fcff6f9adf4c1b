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

void mime_date_short(const char *date, char *buf, size_t size)
{
	const char *p = skip_cfws(date != NULL ? date : "");
	int day, month, year, dd, yd;

	buf[0] = '\0';
	if (isalpha((unsigned char)*p)) {	/* the day of the week, which says nothing more */
		while (isalpha((unsigned char)*p))
			p++;
		p = skip_cfws(p);
	}
	if ((day = read_num(&p, 2, &dd)) < 1 || dd == 0)
		return;
	p = skip_cfws(p);
	if ((month = read_month(&p)) == 0)
		return;
	p = skip_cfws(p);
	if ((year = read_num(&p, 4, &yd)) < 0 || yd < 2 || (*p != '\0' && !isspace((unsigned char)*p)))
		return;
	year = full_year(year, yd);
	if (year < 1900 || day > days_in(month, year))
		return;
	snprintf(buf, size, "%04d-%02d-%02d", year, month, day);
}
