using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CleanAgent.Infrastructure.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class IntakeShapes2026 : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "LastEvent",
                table: "WhatsAppNumbers",
                type: "nvarchar(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "LastEventAt",
                table: "WhatsAppNumbers",
                type: "datetime2",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LastEventField",
                table: "WhatsAppNumbers",
                type: "nvarchar(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "WabaId",
                table: "WhatsAppNumbers",
                type: "nvarchar(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "CallDurationSeconds",
                table: "Messages",
                type: "int",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CallStatus",
                table: "Messages",
                type: "nvarchar(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "EditedAt",
                table: "Messages",
                type: "datetime2",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "OriginalText",
                table: "Messages",
                type: "nvarchar(max)",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "RevokedAt",
                table: "Messages",
                type: "datetime2",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SentBy",
                table: "Messages",
                type: "nvarchar(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CustomerParentUserId",
                table: "Conversations",
                type: "nvarchar(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CustomerUsername",
                table: "Conversations",
                type: "nvarchar(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "MarketingOptOut",
                table: "Conversations",
                type: "bit",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "MarketingPreferenceAt",
                table: "Conversations",
                type: "datetime2",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "NumberEvents",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    WhatsAppNumberId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Field = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Event = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: true),
                    RawJson = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    ReceivedAt = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_NumberEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_NumberEvents_WhatsAppNumbers_WhatsAppNumberId",
                        column: x => x.WhatsAppNumberId,
                        principalTable: "WhatsAppNumbers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Messages_WhatsAppNumberId_ContextMessageId",
                table: "Messages",
                columns: new[] { "WhatsAppNumberId", "ContextMessageId" });

            migrationBuilder.CreateIndex(
                name: "IX_NumberEvents_WhatsAppNumberId_ReceivedAt",
                table: "NumberEvents",
                columns: new[] { "WhatsAppNumberId", "ReceivedAt" });

            // Every outbound message before echoes existed was an agent's answer.
            migrationBuilder.Sql("UPDATE [Messages] SET [SentBy] = 'agent' WHERE [Direction] = 'Outbound';");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "NumberEvents");

            migrationBuilder.DropIndex(
                name: "IX_Messages_WhatsAppNumberId_ContextMessageId",
                table: "Messages");

            migrationBuilder.DropColumn(
                name: "LastEvent",
                table: "WhatsAppNumbers");

            migrationBuilder.DropColumn(
                name: "LastEventAt",
                table: "WhatsAppNumbers");

            migrationBuilder.DropColumn(
                name: "LastEventField",
                table: "WhatsAppNumbers");

            migrationBuilder.DropColumn(
                name: "WabaId",
                table: "WhatsAppNumbers");

            migrationBuilder.DropColumn(
                name: "CallDurationSeconds",
                table: "Messages");

            migrationBuilder.DropColumn(
                name: "CallStatus",
                table: "Messages");

            migrationBuilder.DropColumn(
                name: "EditedAt",
                table: "Messages");

            migrationBuilder.DropColumn(
                name: "OriginalText",
                table: "Messages");

            migrationBuilder.DropColumn(
                name: "RevokedAt",
                table: "Messages");

            migrationBuilder.DropColumn(
                name: "SentBy",
                table: "Messages");

            migrationBuilder.DropColumn(
                name: "CustomerParentUserId",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "CustomerUsername",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "MarketingOptOut",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "MarketingPreferenceAt",
                table: "Conversations");
        }
    }
}
