using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CleanAgent.Infrastructure.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class NumberCallsEnabled : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "CallsEnabled",
                table: "WhatsAppNumbers",
                type: "bit",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "CallsEnabled",
                table: "WhatsAppNumbers");
        }
    }
}
